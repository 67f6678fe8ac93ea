import CFFTW
import Foundation

/// How hard FFTW's planner searches for a fast algorithm when a plan is made.
public enum FFTPlanning: Sendable, Hashable {
    /// `FFTW_ESTIMATE`: a heuristic plan, made instantly.
    case estimate
    /// `FFTW_MEASURE`: times candidate algorithms once per process and size (FFTW keeps the
    /// result as wisdom, so later plans of the same shape are made instantly).
    case measure

    var flags: UInt32 {
        switch self {
        case .estimate: cfftw_estimate()
        case .measure: cfftw_measure()
        }
    }
}

/// The one lock around FFTW's planner.
///
/// FFTW's planner (`fftwf_plan_*`, `fftwf_destroy_plan`) is not thread-safe; only the execute
/// functions are. Every plan this module makes or destroys goes through ``withLock(_:)``.
enum FFTWPlanner {
    private static let lock = NSLock()

    /// Runs `body` while holding the planner lock.
    static func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A batched, single-precision, real-to-complex forward FFT plan (`fftwf_plan_many_dft_r2c`).
///
/// Shapes: input `(batch, size)` Float, row-major; output `(batch, size/2 + 1)` complex.
///
/// Thread safety: the plan is immutable once made, and it is only ever executed through the
/// new-array function `fftwf_execute_dft_r2c`, which FFTW documents as thread-safe; creation and
/// destruction take ``FFTWPlanner``'s lock. So one plan may be shared by any number of threads,
/// each with its own ``RealFFTWorkspace``. The plan pointer never leaves this file.
final class RealFFTPlan: @unchecked Sendable {
    /// Transform length (real samples per transform).
    let size: Int
    /// Transforms per execution.
    let batch: Int
    /// Complex outputs per transform: `size/2 + 1`.
    var outputBins: Int { size / 2 + 1 }

    fileprivate let plan: OpaquePointer

    /// Plans a batched transform.
    /// - Parameters:
    ///   - size: real samples per transform (> 0).
    ///   - batch: transforms per execution (> 0).
    ///   - planning: planner effort.
    /// - Throws: ``LogMelError/fftPlanFailed(size:batch:)`` when FFTW returns no plan.
    init(size: Int, batch: Int, planning: FFTPlanning) throws {
        precondition(size > 0 && batch > 0, "RealFFTPlan: size and batch must be positive")
        self.size = size
        self.batch = batch
        let bins = size / 2 + 1
        let made: OpaquePointer? = FFTWPlanner.withLock {
            // The planner may overwrite these (FFTW_MEASURE); they only fix the alignment that
            // every workspace later reproduces with fftwf_alloc_*.
            guard let input = fftwf_alloc_real(batch * size),
                  let output = fftwf_alloc_complex(batch * bins)
            else { return nil }
            defer {
                fftwf_free(input)
                fftwf_free(output)
            }
            var n = Int32(size)
            return fftwf_plan_many_dft_r2c(
                1, &n, Int32(batch),
                input, nil, 1, Int32(size),
                output, nil, 1, Int32(bins),
                planning.flags)
        }
        guard let made else { throw LogMelError.fftPlanFailed(size: size, batch: batch) }
        plan = made
    }

    deinit {
        FFTWPlanner.withLock { fftwf_destroy_plan(plan) }
    }
}

/// Aligned input and output arrays for one ``RealFFTPlan``, owned and freed here.
///
/// Not thread-safe: make one per call (or per thread). It keeps its plan alive. Memory is only
/// lent out inside `with…` closures; the pointers never escape them.
final class RealFFTWorkspace {
    let plan: RealFFTPlan
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>

    /// Allocates SIMD-aligned arrays shaped for `plan`.
    /// - Parameter plan: the plan this workspace executes.
    /// - Throws: ``LogMelError/outOfMemory`` when FFTW cannot allocate.
    init(plan: RealFFTPlan) throws {
        guard let input = fftwf_alloc_real(plan.batch * plan.size) else { throw LogMelError.outOfMemory }
        guard let output = fftwf_alloc_complex(plan.batch * plan.outputBins) else {
            fftwf_free(input)
            throw LogMelError.outOfMemory
        }
        input.initialize(repeating: 0, count: plan.batch * plan.size)
        self.plan = plan
        self.input = input
        self.output = output
    }

    deinit {
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Lends the input array, `(batch, size)` row-major, for filling.
    /// - Parameter body: receives the input; must not keep the pointer.
    /// - Returns: what `body` returns.
    func withInput<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: input, count: plan.batch * plan.size))
    }

    /// Transforms every row of the input into the output.
    func execute() {
        fftwf_execute_dft_r2c(plan.plan, input, output)
    }

    /// Writes the power spectrum `|X[f]|²` of one transform of the last execution.
    /// - Parameters:
    ///   - transform: row in `0..<batch`.
    ///   - power: destination, `size/2 + 1` values.
    func powerSpectrum(ofTransform transform: Int, into power: UnsafeMutableBufferPointer<Float>) {
        precondition(transform >= 0 && transform < plan.batch && power.count == plan.outputBins)
        let bins = plan.outputBins
        // fftwf_complex is (Float, Float): rebinding to Float interleaves re, im.
        (output + transform * bins).withMemoryRebound(to: Float.self, capacity: 2 * bins) { reIm in
            for f in 0..<bins {
                let re = reIm[2 * f]
                let im = reIm[2 * f + 1]
                power[f] = re * re + im * im
            }
        }
    }
}
