//! The stream framing of a Meshtastic node's serial and TCP API:
//! `0x94 0xC3`, a big-endian `u16` length (at most 512), then a protobuf
//! (`ToRadio` from us, `FromRadio` from the node).
//!
//! Serial lines carry the firmware's debug text between frames, and a frame
//! may be cut anywhere, so the decoder resynchronises on the magic bytes and
//! drops frames that claim more than 512 bytes.

use meshtastic::Message as _;
use meshtastic::protobufs::{FromRadio, ToRadio};

/// The two bytes that open every frame.
pub const MAGIC: [u8; 2] = [0x94, 0xC3];

/// The largest protobuf a frame may carry.
pub const MAX_FRAME: usize = 512;

/// The most bytes kept while waiting for the rest of a frame.
const MAX_BUFFER: usize = 16 * 1024;

/// Why bytes could not be sent or understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A payload longer than a frame may carry.
    #[error("frame of {0} bytes is over the {MAX_FRAME}-byte limit")]
    TooLong(usize),
    /// A frame whose protobuf does not decode.
    #[error("undecodable frame: {0}")]
    Undecodable(String),
}

/// Wraps `payload` in a frame.
pub fn encode(payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    let len = u16::try_from(payload.len())
        .ok()
        .filter(|&l| usize::from(l) <= MAX_FRAME)
        .ok_or(FrameError::TooLong(payload.len()))?;
    let mut out = Vec::with_capacity(payload.len() + 4);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

/// A `ToRadio` as a frame.
pub fn encode_to_radio(message: &ToRadio) -> Result<Vec<u8>, FrameError> {
    encode(&message.encode_to_vec())
}

/// A `FromRadio` as a frame (what a node sends; the fake node uses it).
pub fn encode_from_radio(message: &FromRadio) -> Result<Vec<u8>, FrameError> {
    encode(&message.encode_to_vec())
}

/// A frame's protobuf as the node's message.
pub fn decode_from_radio(frame: &[u8]) -> Result<FromRadio, FrameError> {
    FromRadio::decode(frame).map_err(|e| FrameError::Undecodable(e.to_string()))
}

/// A frame's protobuf as the host's message (what a fake node reads).
pub fn decode_to_radio(frame: &[u8]) -> Result<ToRadio, FrameError> {
    ToRadio::decode(frame).map_err(|e| FrameError::Undecodable(e.to_string()))
}

/// Collects bytes from a stream and hands out whole frames.
#[derive(Debug, Default, Clone)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Bytes skipped outside frames (debug text, noise, bad lengths).
    pub skipped: u64,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() > MAX_BUFFER {
            // Cannot be one frame: keep only a possible frame start.
            let cut = self.buf.len() - (MAX_FRAME + 4);
            self.skipped += cut as u64;
            self.buf.drain(..cut);
        }
    }

    /// The next whole frame's payload, if one has arrived.
    pub fn next_frame(&mut self) -> Option<Vec<u8>> {
        loop {
            let start = self.buf.windows(2).position(|w| w == MAGIC);
            let Some(start) = start else {
                // Keep a trailing first magic byte: its pair may come next.
                let keep = usize::from(self.buf.last() == Some(&MAGIC[0]));
                let cut = self.buf.len() - keep;
                self.skipped += cut as u64;
                self.buf.drain(..cut);
                return None;
            };
            if start > 0 {
                self.skipped += start as u64;
                self.buf.drain(..start);
            }
            let (&hi, &lo) = (self.buf.get(2)?, self.buf.get(3)?);
            let len = usize::from(u16::from_be_bytes([hi, lo]));
            if len > MAX_FRAME {
                // Not a real header: step past its magic and look again.
                self.skipped += 1;
                self.buf.drain(..1);
                continue;
            }
            if self.buf.len() < 4 + len {
                return None;
            }
            let frame = self.buf[4..4 + len].to_vec();
            self.buf.drain(..4 + len);
            return Some(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_frame_round_trips_through_noise() {
        let mut d = Decoder::new();
        let mut bytes = b"DEBUG | booting\r\n".to_vec();
        bytes.extend(encode(b"hello").unwrap());
        bytes.extend([0x94, 0xC3, 0xFF, 0xFF]); // a bogus length
        bytes.extend(encode(b"").unwrap());
        for chunk in bytes.chunks(3) {
            d.push(chunk);
        }
        assert_eq!(d.next_frame().unwrap(), b"hello");
        assert_eq!(d.next_frame().unwrap(), b"");
        assert_eq!(d.next_frame(), None);
        assert!(d.skipped >= 17);
    }

    #[test]
    fn an_over_long_payload_is_refused() {
        assert_eq!(encode(&[0; 513]), Err(FrameError::TooLong(513)));
        assert_eq!(encode(&[0; 512]).unwrap().len(), 516);
    }

    proptest! {
        #[test]
        fn frames_survive_any_noise_and_any_cuts(
            payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..600), 0..5),
            noise in proptest::collection::vec(any::<u8>().prop_filter("no magic", |b| *b != MAGIC[0]), 0..64),
            cut in 1usize..50,
        ) {
            let mut stream = noise.clone();
            let mut expected = Vec::new();
            for p in &payloads {
                if let Ok(f) = encode(p) {
                    stream.extend(f);
                    expected.push(p.clone());
                }
            }
            let mut d = Decoder::new();
            let mut got = Vec::new();
            for chunk in stream.chunks(cut) {
                d.push(chunk);
                while let Some(f) = d.next_frame() { got.push(f); }
            }
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut d = Decoder::new();
            d.push(&bytes);
            while let Some(f) = d.next_frame() {
                prop_assert!(f.len() <= MAX_FRAME);
                let _ = decode_from_radio(&f);
            }
        }
    }
}
