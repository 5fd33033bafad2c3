//! Prints what importing a file gives: `cargo run -p sheets --example show FILE`.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match sheets::import(&bytes, None) {
            Ok(i) => {
                let c = &i.character;
                println!(
                    "{path}: {} ({}) {} {} {:?}/{:?} scores {:?} hp {}/{} +{} ac {} speed {} xp {} gold {} armor {:?} shield {} weapons {:?} spells {:?} skills {:?} items {:?} ammo {:?} hd {} slots {}",
                    c.name,
                    i.format,
                    c.class,
                    c.level,
                    c.race,
                    c.subrace,
                    c.scores,
                    c.health.current(),
                    c.health.max(),
                    c.health.temp(),
                    c.ac(),
                    c.speed,
                    c.xp,
                    c.gold,
                    c.armor,
                    c.shield,
                    c.weapons,
                    c.spells,
                    c.skills,
                    c.items,
                    c.ammo,
                    c.hit_dice_left,
                    c.slots.describe_remaining()
                );
                for n in &i.notes {
                    println!("  - {n}");
                }
            }
            Err(e) => println!("{path}: error: {e}"),
        }
    }
}
