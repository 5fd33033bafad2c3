//! Time on air of a text on the default LongFast preset (SF11, 250 kHz,
//! coding rate 4/5, 16-symbol preamble, explicit header, CRC), from the
//! Semtech LoRa formula. A text of `n` bytes is `n + 22` bytes on air (the
//! 16-byte Meshtastic header and the `Data` protobuf around the text): 10
//! bytes ≈ 0.48 s, 100 ≈ 1.17 s, 200 ≈ 1.91 s.

use std::time::Duration;

/// Bytes on air around a text's own bytes.
pub const OVERHEAD: usize = 22;

/// The LongFast airtime of a text of `text_bytes` bytes.
pub fn long_fast(text_bytes: usize) -> Duration {
    const SF: u64 = 11;
    const BW_HZ: u64 = 250_000;
    const PREAMBLE: u64 = 16;
    // Symbol time in microseconds: 2^SF / BW.
    let t_sym_us = ((1u64 << SF) * 1_000_000) / BW_HZ;
    let pl = (text_bytes + OVERHEAD) as u64;
    // 8·PL − 4·SF + 28 + 16 (CRC) − 0 (explicit header), over 4·SF (no LDRO).
    let num = (8 * pl + 28 + 16).saturating_sub(4 * SF);
    let symbols = 8 + num.div_ceil(4 * SF) * 5;
    // Preamble: (n + 4.25) symbols.
    let preamble_us = (PREAMBLE * 4 + 17) * t_sym_us / 4;
    Duration::from_micros(preamble_us + symbols * t_sym_us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_figures() {
        let ms = |n| long_fast(n).as_millis();
        assert!((470..=490).contains(&ms(10)), "{}", ms(10));
        assert!((1_160..=1_180).contains(&ms(100)), "{}", ms(100));
        assert!((1_900..=1_920).contains(&ms(200)), "{}", ms(200));
    }
}
