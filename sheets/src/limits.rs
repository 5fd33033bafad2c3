//! The checks every file passes before it is parsed.

use crate::{ImportError, MAX_BYTES, MAX_DEPTH};

/// At most [`MAX_BYTES`].
pub(crate) fn size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge(bytes.len()));
    }
    Ok(())
}

/// JSON nested at most [`MAX_DEPTH`] deep, counted on the raw text (outside
/// strings) so that the parser never recurses that far.
pub(crate) fn json_depth(text: &str) -> Result<(), ImportError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ImportError::TooDeep);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(json_depth(&deep), Err(ImportError::TooDeep));
        let quoted = format!("{{\"a\": \"{}\"}}", "[".repeat(500));
        assert_eq!(json_depth(&quoted), Ok(()));
        let escaped = format!("{{\"a\": \"\\\"{}\"}}", "[".repeat(500));
        assert_eq!(json_depth(&escaped), Ok(()));
    }

    #[test]
    fn size_stops_at_the_limit() {
        assert_eq!(size(&vec![b' '; MAX_BYTES]), Ok(()));
        assert_eq!(
            size(&vec![b' '; MAX_BYTES + 1]),
            Err(ImportError::TooLarge(MAX_BYTES + 1))
        );
    }
}
