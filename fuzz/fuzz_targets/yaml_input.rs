#![no_main]

// Counts the heap, so that `run_bounded` holds each input to its bound.
#[global_allocator]
static HEAP: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

libfuzzer_sys::fuzz_target!(|data: &[u8]| sts_fuzz::run_bounded(sts_fuzz::yaml_input, data));
