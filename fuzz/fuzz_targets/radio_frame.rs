//! Fuzzes the radio side of the node's stream: any bytes, cut anywhere,
//! give frames within the limit; any frame is decoded and judged by the
//! packet filter without panicking; any text is understood or refused in
//! one packet, and any reply text splits into packets of at most 200 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radio::filter::{self, FilterConfig, Heard};
use radio::frame::{self, Decoder, MAX_FRAME};
use radio::protobufs::from_radio::PayloadVariant;
use radio::render::{self, MAX_PACKET};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, bytes)) = data.split_first() else { return };
    let cut = usize::from(cut.max(1));
    let mut decoder = Decoder::new();
    for chunk in bytes.chunks(cut) {
        decoder.push(chunk);
        while let Some(f) = decoder.next_frame() {
            assert!(f.len() <= MAX_FRAME);
            let Ok(msg) = frame::decode_from_radio(&f) else { continue };
            let Some(PayloadVariant::Packet(p)) = msg.payload_variant else { continue };
            if let Heard::Text(t) = filter::classify(&p, 0x1234, &FilterConfig::default(), 1_700_000_000) {
                if let Err(e) = radio::alias::parse(&t.text) {
                    assert!(render::refusal(&e.to_string()).len() <= MAX_PACKET);
                }
                for part in render::split(&t.text, MAX_PACKET) {
                    assert!(part.len() <= MAX_PACKET);
                }
            }
        }
    }
});
