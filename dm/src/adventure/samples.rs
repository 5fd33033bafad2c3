//! The SRD's sample traps as ready entries (`sample = "pit"`).

use std::sync::OnceLock;

use serde::Deserialize;

use super::Trap;

/// The slugs of the sample traps, as `sample = "..."` names them.
pub const SAMPLE_TRAPS: [&str; 10] = [
    "collapsing-roof",
    "falling-net",
    "fire-breathing-statue",
    "pit",
    "hidden-pit",
    "locking-pit",
    "spiked-pit",
    "poison-darts",
    "poison-needle",
    "rolling-sphere",
];

const SAMPLES_TOML: &str = include_str!("samples.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Samples {
    trap: Vec<Trap>,
}

fn samples() -> &'static [Trap] {
    static SAMPLES: OnceLock<Vec<Trap>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        // Embedded and covered by the tests of dm/tests/adventure.rs: a
        // malformed file is a build defect, not an input.
        toml::from_str::<Samples>(SAMPLES_TOML)
            .expect("dm/src/adventure/samples.toml is malformed")
            .trap
    })
}

/// A sample trap by slug, with its SRD figures.
///
/// ```
/// let pit = dm::adventure::sample_trap("spiked-pit").unwrap();
/// assert_eq!(pit.detect, Some(15));
/// assert_eq!(pit.effect.len(), 2);
/// ```
pub fn sample_trap(slug: &str) -> Option<&'static Trap> {
    samples().iter().find(|t| t.id == slug)
}

impl Trap {
    /// This trap with what its `sample` provides filled in where it leaves a
    /// field out (detection DC, disarm check, effect, text). Without a sample,
    /// or with an unknown one, a copy of itself.
    pub fn resolved(&self) -> Trap {
        let mut out = self.clone();
        if let Some(sample) = self.sample.as_deref().and_then(sample_trap) {
            if out.detect.is_none() {
                out.detect = sample.detect;
            }
            if out.disarm.is_none() {
                out.disarm.clone_from(&sample.disarm);
            }
            if out.effect.is_empty() {
                out.effect.clone_from(&sample.effect);
            }
            if out.text.is_empty() {
                out.text.clone_from(&sample.text);
            }
        }
        out
    }
}
