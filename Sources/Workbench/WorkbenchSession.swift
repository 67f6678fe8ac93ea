import Dispatch
import Foundation

/// Runs the workbench on a ``Terminal``: the input loop, with the analysis and media decoding on
/// background queues posting their results into an inbox the loop drains, so the screen stays usable
/// while results arrive.
public final class WorkbenchSession {
    public private(set) var state: WorkbenchState
    private let sources: WorkbenchSources
    private let inbox = EventInbox()
    private let analysisQueue = DispatchQueue(label: "syncdefense.workbench.analysis", qos: .userInitiated)
    private let mediaQueue = DispatchQueue(label: "syncdefense.workbench.media", qos: .userInitiated)

    public init(state: WorkbenchState, sources: WorkbenchSources) {
        self.state = state
        self.sources = sources
    }

    /// Runs until the analyst quits or the input ends.
    /// - Parameter pollMilliseconds: how often background results are picked up while no key is pressed.
    /// - Returns: the final state (bookmarks, action log).
    @discardableResult
    public func run(on terminal: Terminal, pollMilliseconds: Int32 = 50) -> WorkbenchState {
        state.display = terminal.display
        startAnalysis()
        perform(Reducer.reduce(&state, .jumpToFrame(state.cursor)))
        var drawn: (Size, Int)? = nil
        var generation = 0
        while !state.isFinished {
            let size = terminal.size
            if drawn.map({ $0.0 != size || $0.1 != generation }) ?? true {
                terminal.draw(Renderer.render(state, size: size))
                drawn = (size, generation)
            }
            let key = terminal.readKey(timeout: pollMilliseconds)
            for action in inbox.drain() {
                perform(Reducer.reduce(&state, action))
                generation += 1
            }
            guard let key else { continue }
            generation += 1
            switch key {
            case .resize:
                continue
            case .click(let x, let y):
                if let frame = Renderer.frame(atX: x, y: y, state: state, size: size) {
                    perform(Reducer.reduce(&state, .jumpToFrame(frame)))
                }
            default:
                if let action = KeyTable.action(for: key, in: state) { perform(Reducer.reduce(&state, action)) }
            }
        }
        return state
    }

    private func startAnalysis() {
        let inbox = inbox, analyze = sources.analyze
        analysisQueue.async {
            do {
                let analysis = try analyze { done, total in inbox.post(.analysisProgress(done: done, total: total)) }
                inbox.post(.analysisFinished(analysis))
            } catch {
                inbox.post(.analysisFailed(String(describing: error)))
            }
        }
    }

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .loadMedia(let frames):
                let inbox = inbox, load = sources.loadMedia
                mediaQueue.async {
                    do {
                        inbox.post(.mediaLoaded(try load(frames)))
                    } catch {
                        inbox.post(.mediaFailed(frames: frames, reason: String(describing: error)))
                    }
                }
            case .exportReport:
                guard let export = sources.exportReport else {
                    perform(Reducer.reduce(&state, .reportUnavailable))
                    continue
                }
                do {
                    perform(Reducer.reduce(&state, .reportExported(try export(state))))
                } catch {
                    perform(Reducer.reduce(&state, .reportFailed(String(describing: error))))
                }
            }
        }
    }
}
