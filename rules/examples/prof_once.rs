#![allow(missing_docs)]
use rand::SeedableRng;
fn main() {
    let expr = std::env::args().nth(1).unwrap();
    let n: u32 = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut rng = rand::rngs::ChaCha20Rng::seed_from_u64(1);
    let mut t = 0;
    let e = rules::dice::parse(&expr).unwrap();
    for _ in 0..n {
        if let Ok(r) = rules::dice::roll(std::hint::black_box(&e), &mut rng) {
            t += r.total;
        }
    }
    println!("{t}");
}
