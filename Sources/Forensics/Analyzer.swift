import Dispatch
import FaceTracking
import Features
import Foundation
import Media
import Model
import Tensor

/// Settings of one analysis.
public struct AnalysisOptions: Sendable {
    /// How the mouth is found in each frame (default: track faces; mouth-centred clips use the whole frame).
    public var framing: MouthFraming = .automatic
    /// A fixed mouth region in displayed coordinates (`--roi`); nil = ``framing``'s choice.
    public var region: RegionOfInterest? {
        get { if case .region(let region) = framing { region } else { nil } }
        set { framing = newValue.map { .region($0) } ?? .automatic }
    }
    /// A HAAR cascade file other than Debian's frontal-face one.
    public var faceCascade: String?
    public var tracking = FaceTrackingPass.Options()
    /// Cut the mouth crops while tracking, from the tracking pass's own decode, instead of
    /// decoding the video a second time (the crops are the same either way).
    public var cropWhileTracking = true
    /// Window hop in frames (the window length is the model's).
    public var hopFrames = 25
    /// Shortest clip analysed (frames); shorter clips than a window are padded.
    public var minimumFrames = 25
    public var aggregator = VerdictAggregator()
    public var segments = SegmentFinder.Configuration()
    /// Offset search range and the drift curve's window and hop, in frames.
    public var maxShift = 15
    public var driftWindowFrames = 30
    public var driftHopFrames = 5
    /// Frames decoded at a time (60 s): memory stays flat whatever the clip's length.
    public var chunkFrames = 1500
    /// Windows per forward pass.
    public var batchSize = 4
    /// Keep attention maps, artifact maps and per-frame cues (the workbench and reports need them).
    public var keepExplanations = false
    public var limits = MediaLimits()

    public init() {}
}

/// Runs the model over a whole clip: the engine behind `detect`, `scan`, the workbench, reports and
/// the HTTP API. From a file to an `Analysis`; nothing here knows about terminals or HTTP.
public final class Analyzer: @unchecked Sendable {
    public let model: SyncDefenseModel
    public let weightsSHA256: String?
    public let version: String
    /// The weights file's `__metadata__` (provenance, the calibrated threshold).
    public let weightsMetadata: [String: String]

    /// The metadata key of the decision threshold chosen on validation data by `syncdefense eval`.
    public static let thresholdKey = "syncdefense.detection.threshold"

    public init(model: SyncDefenseModel, weightsSHA256: String?, version: String, weightsMetadata: [String: String] = [:]) {
        self.model = model
        self.weightsSHA256 = weightsSHA256
        self.version = version
        self.weightsMetadata = weightsMetadata
    }

    /// The threshold stored with the weights, if any.
    public var storedThreshold: Float? { weightsMetadata[Self.thresholdKey].flatMap(Float.init) }

    /// Loads weights from a file (its hash goes into every result).
    /// - Throws: the reader's and loader's errors for a malformed file.
    public convenience init(weights url: URL, version: String) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        self.init(model: try SyncDefenseModel(file: file), weightsSHA256: try SHA256.hex(fileAt: url), version: version,
                  weightsMetadata: file.metadata)
    }

    /// Analyses the file at `path`.
    /// - Parameter progress: called with (frames analysed so far, estimated total frames).
    /// - Throws: `MediaError` for unreadable input, `ForensicsError.clipTooShort`, model errors.
    public func analyze(path: String, options: AnalysisOptions = AnalysisOptions(),
                        progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Analysis {
        let started = DispatchTime.now()
        let info = try MediaProbe.probe(path, limits: options.limits)
        let inputHash = try SHA256.hex(fileAt: URL(fileURLWithPath: path))
        let estimatedFrames = max(1, Int(((info.durationSeconds ?? 0) * Double(TimeConventions.videoFPS)).rounded()))
        let c = model.configuration
        let (mouthLocation, mouthCrops) = try MouthLocator.locate(
            path: path, info: info, framing: options.framing, cascadePath: options.faceCascade, tracking: options.tracking,
            cropSize: options.cropWhileTracking ? VideoReadOptions.Size(width: c.cropWidth, height: c.cropHeight) : nil,
            limits: options.limits)
        let w = c.windowFrames
        let hop = min(options.hopFrames, w)
        guard c.melBands == LogMelConfiguration().melBins, c.melFrames == w * TimeConventions.melFramesPerVideoFrame else {
            throw ModelError.invalidConfiguration("these weights take \(c.melBands) mel bands and \(c.melFrames) mel frames per \(w)-frame window; the analysis makes \(LogMelConfiguration().melBins) bands and \(w * TimeConventions.melFramesPerVideoFrame)")
        }

        var accumulator = FrameAccumulator()
        var windows: [WindowPlan.Window] = []
        var windowProbabilities: [Float] = []
        var speech: [Bool] = []
        var mouth: [Float] = []
        var envelope: [Float] = []
        var attention: [Explanations.WindowAttention] = []
        var chunkStart = 0
        var firstFrame: Int?
        var total = 0
        while true {
            let rangeStart = (firstFrame ?? 0) + chunkStart
            let chunk: Chunk
            do {
                chunk = try Chunk.load(path: path, startFrame: rangeStart, frames: options.chunkFrames, regions: mouthLocation.regions,
                                       crops: mouthCrops, cropHeight: c.cropHeight, cropWidth: c.cropWidth, limits: options.limits)
            } catch MediaError.noFramesDecoded where chunkStart > 0 {
                break
            }
            let clip = chunk.clip
            if firstFrame == nil { firstFrame = clip.firstFrameIndex }
            // Frames are numbered from the first decoded frame.
            let offset = clip.firstFrameIndex - (firstFrame ?? 0)
            let features = chunk.features
            let isLast = clip.firstFrameIndex + clip.frameCount < rangeStart + options.chunkFrames
            // Windows of this chunk on the global hop grid; a later chunk takes the rest.
            let localPlan: [WindowPlan.Window]
            if isLast {
                let plan = try WindowPlan(frameCount: clip.frameCount, windowFrames: w, hopFrames: hop,
                                          minimumFrames: offset == 0 ? min(options.minimumFrames, w) : 1)
                localPlan = plan.windows
            } else {
                localPlan = stride(from: 0, through: clip.frameCount - w, by: hop).map {
                    WindowPlan.Window(index: 0, start: $0, validFrames: w, padded: false)
                }
            }
            // Frames this chunk contributes for the first time.
            let newFrom = max(0, total - offset)
            if newFrom < clip.frameCount {
                speech += features.speech[newFrom...]
                mouth += clip.frames[newFrom...].map { ModelFreeCue.mouthOpening($0) }
                let chunkEnvelope = ModelFreeCue.audioEnvelope(samples: clip.audio)
                envelope += chunkEnvelope[min(newFrom, chunkEnvelope.count)..<min(clip.frameCount, chunkEnvelope.count)]
            }
            for batchStart in stride(from: 0, to: localPlan.count, by: max(1, options.batchSize)) {
                let batch = Array(localPlan[batchStart..<min(localPlan.count, batchStart + options.batchSize)])
                let inputs = batch.map { window -> WindowInput in
                    let cut = features.window(window.start..<window.end)
                    return WindowInput(crops: WindowPlan.padded(Self.frames(cut.crops, count: window.validFrames), to: w).flatMap { $0 },
                                       mel: Self.paddedMel(cut.mel, bands: c.melBands, frames: window.validFrames * 4, to: w * 4))
                }
                let outputs = try withNoGrad {
                    let (video, mel) = try ModelInput.batch(inputs, frames: w, melFrames: w * 4, configuration: c)
                    return try model(video: video, mel: mel, training: false)
                }
                let probability = outputs.probability.scalars
                let sync = outputs.sync.scalars, gate = outputs.gate.scalars, artifact = outputs.artifact.scalars
                let visualEmbedding = outputs.visualEmbedding.scalars, audioEmbedding = outputs.audioEmbedding.scalars
                let d = c.modelWidth
                let mapShape = outputs.artifactMap.shape // (B, T, h, w)
                let mapSize = mapShape[2] * mapShape[3]
                let maps = options.keepExplanations ? outputs.artifactMap.scalars : []
                let heads = outputs.videoToAudioAttention.shape[1]
                let v2a = options.keepExplanations ? outputs.videoToAudioAttention.scalars : []
                let a2v = options.keepExplanations ? outputs.audioToVideoAttention.scalars : []
                for (k, window) in batch.enumerated() {
                    let globalStart = offset + window.start
                    let n = window.validFrames
                    let index = windows.count
                    windows.append(WindowPlan.Window(index: index, start: globalStart, validFrames: n, padded: window.padded))
                    windowProbabilities.append(probability[k])
                    accumulator.add(start: globalStart, frames: n, series: [
                        Array(sync[(k * w)..<(k * w + n)]), Array(gate[(k * w)..<(k * w + n)]), Array(artifact[(k * w)..<(k * w + n)]),
                    ], visual: Array(visualEmbedding[(k * w * d)..<((k * w + n) * d)]),
                       audio: Array(audioEmbedding[(k * w * d)..<((k * w + n) * d)]), dimension: d,
                       maps: options.keepExplanations ? Array(maps[(k * w * mapSize)..<((k * w + n) * mapSize)]) : nil, mapSize: mapSize)
                    if options.keepExplanations {
                        let size = heads * w * w
                        attention.append(Explanations.WindowAttention(window: index, start: globalStart, frames: w, heads: heads,
                                                                      videoToAudio: Array(v2a[(k * size)..<((k + 1) * size)]),
                                                                      audioToVideo: Array(a2v[(k * size)..<((k + 1) * size)])))
                    }
                }
                progress?(min(offset + (batch.last?.end ?? 0), estimatedFrames), max(estimatedFrames, offset + clip.frameCount))
            }
            total = max(total, offset + clip.frameCount)
            if isLast { break }
            chunkStart += (localPlan.count) * hop
        }

        let frameCount = total
        let plan = try WindowPlan(frameCount: frameCount, windowFrames: w, hopFrames: hop, windows: windows)
        speech = Array(speech.prefix(frameCount))
        let verdict = try options.aggregator.aggregate(plan: plan, windowProbabilities: windowProbabilities, speech: speech)
        let (series, visual, audio, maps) = accumulator.result(frames: frameCount)
        // Unit rows: the offset and drift searches then rank shifts by cosine similarity, as the
        // contrastive loss trained the embeddings (raw distances also weigh each frame's norm).
        let visualMatrix = try FrameMatrix(frames: frameCount, dimension: c.modelWidth, values: visual).rowNormalized()
        let audioMatrix = try FrameMatrix(frames: frameCount, dimension: c.modelWidth, values: audio).rowNormalized()
        let offsetResult = try? OffsetSearch.search(visual: visualMatrix, audio: audioMatrix, maxShift: min(options.maxShift, max(0, frameCount - 1)))
        let drift = (try? DriftCurve.compute(visual: visualMatrix, audio: audioMatrix, windowFrames: options.driftWindowFrames,
                                             hopFrames: options.driftHopFrames, maxShift: options.maxShift)) ?? []
        // Silence carries no sync evidence: only voiced frames can be flagged out of sync.
        let syncForSegments = zip(series[0], speech).map { $0.1 ? $0.0 : 1 }
        let segments = SegmentFinder.find(sync: syncForSegments, artifact: series[2], configuration: options.segments)
        let cue = try? ModelFreeCue.correlate(mouth: mouth, envelope: envelope, maxShift: options.maxShift)
        var analysis = Analysis(verdict: verdict, clip: Analysis.ClipInfo(plan: plan), offset: offsetResult, drift: drift,
                                segments: segments, timelines: Analysis.Timelines(sync: series[0], gate: series[1], artifact: series[2]),
                                modelFreeCue: cue)
        if options.keepExplanations {
            let shape = (c.cropHeight / 4, c.cropWidth / 4)
            analysis.explanations = Explanations(attention: attention, artifactMapHeight: shape.0, artifactMapWidth: shape.1,
                                                 artifactMaps: maps ?? [], mouthOpening: Array(mouth.prefix(frameCount)), speech: speech)
        }
        analysis.speech = speech
        analysis.mouth = mouthLocation
        analysis.provenance = Analysis.Provenance(
            inputSHA256: inputHash, weightsSHA256: weightsSHA256, version: version, preset: c.name,
            parameters: ["hop_frames": String(hop), "window_frames": String(w), "threshold": String(options.aggregator.threshold),
                         "margin": String(options.aggregator.margin), "aggregation": options.aggregator.rule.argument,
                         "region": Self.describe(mouthLocation), "max_shift": String(options.maxShift)],
            wallTimeSeconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        analysis.provenance.trackingSeconds = mouthLocation.trackingSeconds
        return analysis
    }

    /// The provenance text of where the mouth was looked for.
    static func describe(_ location: MouthLocation) -> String {
        switch location.mode {
        case .wholeFrame: return "whole frame"
        case .region: return location.typicalRegion?.description ?? "whole frame"
        case .tracked:
            let followed = location.faces.filter(\.followed).map { String($0.id) }.joined(separator: ",")
            return "tracked face \(followed) (median mouth region \(location.typicalRegion?.description ?? "?"))"
        }
    }

    /// Splits `(n, 3, H, W)` bytes into `n` frames.
    static func frames(_ crops: [UInt8], count n: Int) -> [[UInt8]] {
        let size = crops.count / max(n, 1)
        return (0..<n).map { Array(crops[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// `(F, frames)` band-major log-mel extended to `(F, target)` by repeating each band's last column.
    static func paddedMel(_ mel: [Float], bands: Int, frames: Int, to target: Int) -> [Float] {
        guard frames < target else { return mel }
        var out = [Float](repeating: 0, count: bands * target)
        for b in 0..<bands {
            for t in 0..<target { out[b * target + t] = mel[b * frames + min(t, frames - 1)] }
        }
        return out
    }
}

/// One stretch of a file: its frames and audio (as `Clip`), and its features computed with one
/// video frame of audio context on each side, so the log-mel equals the whole file's.
struct Chunk {
    var clip: Clip
    var features: ClipFeatures

    /// - Parameters:
    ///   - regions: the mouth region per frame; nil = the whole frame.
    ///   - crops: frames already cut by the tracking pass (the rest are read from the file).
    static func load(path: String, startFrame: Int, frames count: Int, regions: RegionTrack?, crops: MouthCrops? = nil,
                     cropHeight: Int, cropWidth: Int, limits: MediaLimits) throws -> Chunk {
        let fps = Double(TimeConventions.videoFPS), rate = Double(TimeConventions.audioSampleRate)
        let perFrame = TimeConventions.samplesPerVideoFrame
        let size = VideoReadOptions.Size(width: cropWidth, height: cropHeight)
        func read(_ frames: Range<Int>) throws -> [(index: Int, image: RGBImage)] {
            try VideoReader(path: path, options: VideoReadOptions(
                range: TimeRange(startSeconds: Double(frames.lowerBound) / fps, durationSeconds: Double(frames.count) / fps),
                regionTrack: regions, outputSize: size, limits: limits)).readAll().map { ($0.index, $0.image) }
        }
        let video = try crops.flatMap { try precut(path: path, frames: startFrame..<(startFrame + count), crops: $0, read: read) }
            ?? read(startFrame..<(startFrame + count))
        guard let first = video.first else {
            throw MediaError.noFramesDecoded(path: path, stream: "video frame in the requested range")
        }
        let n = video.count
        let lead = first.index > 0 ? perFrame : 0
        let isLast = first.index + n < startFrame + count
        let trail = isLast ? 0 : perFrame
        let audioStart = first.index * perFrame - lead
        var audio = try AudioReader(path: path, options: AudioReadOptions(
            range: TimeRange(startSeconds: Double(audioStart) / rate, durationSeconds: Double(lead + n * perFrame + trail) / rate),
            limits: limits)).readAll()
        let wanted = lead + n * perFrame + trail
        if audio.count < wanted { audio += [Float](repeating: 0, count: wanted - audio.count) }
        if audio.count > wanted { audio.removeLast(audio.count - wanted) }
        let images = video.map(\.image)
        let features = try ClipFeatures.make(frames: images, firstFrame: first.index, audio: audio, leadSamples: lead,
                                             cropHeight: cropHeight, cropWidth: cropWidth)
        let own = Array(audio[lead..<(lead + n * perFrame)])
        return Chunk(clip: Clip(firstFrameIndex: first.index, frames: images, audio: own), features: features)
    }

    /// Stretches of frames not cut that ``precut(path:frames:crops:read:)`` reads one by one.
    static let maxReadStretches = 4

    /// Frames `frames` from the tracking pass's crops, those it did not cut read with `read` (a
    /// stretch at a time); nil when the crops do not start early enough to number the frames as a
    /// reader would, or more than ``maxReadStretches`` stretches are missing (then the whole range
    /// is read).
    /// - Throws: `MediaError.noFramesDecoded` when the stretch starts after the last frame.
    static func precut(path: String, frames: Range<Int>, crops: MouthCrops,
                       read: (Range<Int>) throws -> [(index: Int, image: RGBImage)]) throws -> [(index: Int, image: RGBImage)]? {
        guard frames.lowerBound >= crops.firstFrame else { return nil }
        let covered = frames.lowerBound..<max(frames.lowerBound, min(frames.upperBound, crops.range.upperBound))
        guard !covered.isEmpty else { throw MediaError.noFramesDecoded(path: path, stream: "video frame in the requested range") }
        // Each stretch not cut is a seek and a decode from the keyframe before it: past a few,
        // one read of the whole stretch costs less.
        var stretches = 0
        for index in covered where crops.crop(at: index) == nil && (index == covered.lowerBound || crops.crop(at: index - 1) != nil) {
            stretches += 1
        }
        guard stretches <= maxReadStretches else { return nil }
        var out: [(index: Int, image: RGBImage)] = []
        out.reserveCapacity(covered.count)
        var index = covered.lowerBound
        while index < covered.upperBound {
            if let image = crops.crop(at: index) {
                out.append((index, image))
                index += 1
                continue
            }
            var end = index + 1
            while end < covered.upperBound, crops.crop(at: end) == nil { end += 1 }
            let missing = try read(index..<end)
            guard missing.map(\.index) == Array(index..<end) else { return nil }
            out += missing
            index = end
        }
        return out
    }
}

/// Overlap-averaging of per-window outputs into per-frame values as windows arrive
/// (the streaming form of `Stitcher`: a frame covered by one window keeps its value exactly).
struct FrameAccumulator {
    private var seriesSums: [[Double]] = []
    private var visualSums: [Double] = []
    private var audioSums: [Double] = []
    private var mapSums: [Double] = []
    private var counts: [Int] = []
    private var dimension = 0
    private var mapSize = 0

    mutating func add(start: Int, frames n: Int, series: [[Float]], visual: [Float], audio: [Float], dimension d: Int,
                      maps: [Float]?, mapSize: Int) {
        if seriesSums.isEmpty { seriesSums = Array(repeating: [], count: series.count) }
        dimension = d
        self.mapSize = mapSize
        let needed = start + n
        if counts.count < needed {
            let extra = needed - counts.count
            counts += [Int](repeating: 0, count: extra)
            for s in seriesSums.indices { seriesSums[s] += [Double](repeating: 0, count: extra) }
            visualSums += [Double](repeating: 0, count: extra * d)
            audioSums += [Double](repeating: 0, count: extra * d)
            if maps != nil { mapSums += [Double](repeating: 0, count: extra * mapSize) }
        }
        for i in 0..<n {
            let f = start + i
            counts[f] += 1
            for s in series.indices { seriesSums[s][f] += Double(series[s][i]) }
            for k in 0..<d {
                visualSums[f * d + k] += Double(visual[i * d + k])
                audioSums[f * d + k] += Double(audio[i * d + k])
            }
            if let maps { for k in 0..<mapSize { mapSums[f * mapSize + k] += Double(maps[i * mapSize + k]) } }
        }
    }

    /// `(series (each (T)), visual (T, D), audio (T, D), maps (T, h·w) or nil)`.
    func result(frames t: Int) -> ([[Float]], [Float], [Float], [Float]?) {
        func mean(_ sums: [Double], _ width: Int) -> [Float] {
            (0..<(t * width)).map { i in
                let n = counts[i / width]
                return n == 0 ? .nan : Float(sums[i] / Double(n))
            }
        }
        return (seriesSums.map { mean($0, 1) }, mean(visualSums, dimension), mean(audioSums, dimension),
                mapSums.isEmpty ? nil : mean(mapSums, mapSize))
    }
}
