#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sts_fuzz::form(data));
