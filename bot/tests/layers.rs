//! The crate's layers, checked: every `crate::` and `super::` path in
//! `bot/src` points at the importing file's own layer or one below it, and
//! no transport reaches into another. Bottom to top: `config`, `ops`,
//! `core`, `transport`, `commands` (see `src/lib.rs`).

use std::path::Path;

/// The transports, each a module of `transport/` that must not import
/// another; anything else there (`text`) is shared by all of them.
const TRANSPORTS: &[&str] = &["console", "discord", "radio", "web"];

/// Where a module sits.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Layer {
    Config,
    Ops,
    Core,
    /// A transport by name, or `None` for what the transports share.
    Transport(Option<String>),
    Commands,
    /// `lib.rs` and `main.rs`, above everything.
    Root,
}

impl Layer {
    fn rank(&self) -> u8 {
        match self {
            Layer::Config => 0,
            Layer::Ops => 1,
            Layer::Core => 2,
            Layer::Transport(_) => 3,
            Layer::Commands => 4,
            Layer::Root => 5,
        }
    }

    /// The layer of a module path (`["transport", "radio", "run"]`).
    fn of_module(segments: &[String]) -> Option<Layer> {
        let first = segments.first()?.as_str();
        Some(match first {
            "config" => Layer::Config,
            "ops" => Layer::Ops,
            "core" => Layer::Core,
            "commands" => Layer::Commands,
            "transport" => Layer::Transport(
                segments
                    .get(1)
                    .filter(|s| TRANSPORTS.contains(&s.as_str()))
                    .cloned(),
            ),
            "lib" | "main" => Layer::Root,
            _ => return None,
        })
    }
}

/// The module path of a file under `src` (`transport/discord/mod.rs` →
/// `["transport", "discord"]`).
fn module_of(file: &str) -> Vec<String> {
    let trimmed = file.trim_end_matches(".rs");
    let mut segments: Vec<String> = trimmed.split('/').map(str::to_owned).collect();
    if segments.last().is_some_and(|s| s == "mod") {
        segments.pop();
    }
    segments
}

/// The source with comments and the insides of string and char literals
/// blanked out, so that neither a doc link nor a message counts as a path
/// and braces balance.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i)
        {
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i += hashes + 2;
            while i < chars.len()
                && !(chars[i] == '"' && chars[i + 1..].iter().take(hashes).all(|&h| h == '#'))
            {
                i += 1;
            }
            i += hashes + 1;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Every path the source names through `crate::` or `super::`, resolved
/// to an absolute module path (its first two segments are enough), with
/// `{…}` groups expanded. `super` counts inline modules (`mod tests`).
fn paths_in(file: &str, source: &str) -> Vec<Vec<String>> {
    let code = code_only(source);
    let bytes = code.as_bytes();
    let mut module = module_of(file);
    // The inline modules open around the cursor, with the brace depth each opened at.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &code[i..];
        let boundary = i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':';
        if bytes[i] == b'{' {
            depth += 1;
        } else if bytes[i] == b'}' {
            depth -= 1;
            if inline.last() == Some(&depth) {
                inline.pop();
                module.pop();
            }
        } else if boundary && let Some(name) = inline_module(rest) {
            inline.push(depth);
            module.push(name);
        } else if boundary && rest.starts_with("crate::") {
            let (paths, used) = expand(&rest["crate::".len()..]);
            out.extend(paths);
            i += "crate::".len() + used;
            continue;
        } else if boundary && rest.starts_with("super::") {
            let mut base = module.clone();
            let mut tail = rest;
            while let Some(next) = tail.strip_prefix("super::") {
                base.pop();
                tail = next;
            }
            let (paths, used) = expand(tail);
            out.extend(paths.into_iter().map(|p| [base.clone(), p].concat()));
            i += rest.len() - tail.len() + used;
            continue;
        }
        i += 1;
    }
    out
}

/// The name of the inline module (`mod tests {`) `text` starts with.
fn inline_module(text: &str) -> Option<String> {
    let after = text.strip_prefix("mod ")?.trim_start();
    let name: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    after[name.len()..]
        .trim_start()
        .starts_with('{')
        .then_some(name)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads one path (`a::b::{c, d::e}`) from the start of `text`: its
/// expansions and how many bytes it took.
fn expand(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut prefix: Vec<String> = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i > start {
            prefix.push(text[start..i].to_owned());
        }
        if text[i..].starts_with("::") {
            i += 2;
            continue;
        }
        if i == start && i < bytes.len() && bytes[i] == b'{' {
            let mut depth = 0;
            let mut end = i;
            for (k, &b) in bytes.iter().enumerate().skip(i) {
                match b {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner = &text[i + 1..end];
            let mut out = Vec::new();
            for part in split_top(inner) {
                let part = part.trim();
                if part.is_empty() || part == "self" {
                    out.push(prefix.clone());
                    continue;
                }
                for tail in expand(part).0 {
                    let mut full = prefix.clone();
                    full.extend(tail);
                    out.push(full);
                }
            }
            return (out, end + 1);
        }
        return (vec![prefix], i);
    }
}

/// Splits a `{…}` group's contents at its top-level commas.
fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (k, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// What breaks the layering in these files (`(path under src, source)`),
/// one line each; empty when none does.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, source) in files {
        let Some(from) = Layer::of_module(&module_of(file)) else {
            found.push(format!("{file}: not in any layer"));
            continue;
        };
        for path in paths_in(file, source) {
            let shown = path.join("::");
            let Some(to) = Layer::of_module(&path) else {
                found.push(format!("{file}: `crate::{shown}` is in no layer"));
                continue;
            };
            if to.rank() > from.rank() {
                found.push(format!("{file}: imports `{shown}`, a layer above it"));
            } else if let (Layer::Transport(a), Layer::Transport(Some(b))) = (&from, &to)
                && a.as_ref() != Some(b)
            {
                found.push(format!("{file}: imports `{shown}`, another transport"));
            }
        }
    }
    found
}

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read bot/src")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let source = std::fs::read_to_string(&path).expect("read a source file");
            out.push((name, source));
        }
    }
}

#[test]
fn the_sources_keep_to_their_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&root, &root, &mut files);
    assert!(
        files.len() > 20,
        "found only {} source files under {}",
        files.len(),
        root.display()
    );
    let found = violations(&files);
    assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
}

fn one(file: &str, source: &str) -> Vec<String> {
    violations(&[(file.to_owned(), source.to_owned())])
}

#[test]
fn a_lower_layer_importing_a_higher_one_is_caught() {
    assert_eq!(
        one("config.rs", "use crate::commands::cli::PlannerKind;\n"),
        ["config.rs: imports `commands::cli::PlannerKind`, a layer above it"]
    );
    assert_eq!(
        one(
            "core/router.rs",
            "let x = crate::commands::games::decode(y);\n"
        )
        .len(),
        1
    );
    assert_eq!(
        one("core/turns.rs", "use crate::transport::console::Session;\n").len(),
        1
    );
    assert_eq!(
        one("ops/telemetry.rs", "use crate::core::router::Answer;\n").len(),
        1
    );
}

#[test]
fn groups_are_expanded() {
    let found = one(
        "core/bus.rs",
        "use crate::{config::Settings, ops::{http::Link, telemetry}, transport::{radio, text}};\n",
    );
    assert_eq!(
        found,
        [
            "core/bus.rs: imports `transport::radio`, a layer above it",
            "core/bus.rs: imports `transport::text`, a layer above it",
        ]
    );
}

#[test]
fn a_transport_may_not_import_another() {
    assert_eq!(
        one(
            "transport/radio.rs",
            "use crate::transport::console::render_line;\n"
        ),
        ["transport/radio.rs: imports `transport::console::render_line`, another transport"]
    );
    // Through `super`, from inside a transport's folder.
    assert_eq!(
        one(
            "transport/discord/render.rs",
            "use super::super::radio::sender;\n"
        ),
        ["transport/discord/render.rs: imports `transport::radio::sender`, another transport"]
    );
    // The shared part may not lean on one transport either.
    assert_eq!(
        one("transport/text.rs", "use crate::transport::discord::x;\n").len(),
        1
    );
}

#[test]
fn allowed_imports_pass() {
    let files = [
        ("config.rs", "use std::fmt;\n"),
        (
            "core/router.rs",
            "use crate::config::X;\nuse crate::ops::telemetry;\nuse crate::core::bus::Bus;\n",
        ),
        (
            "transport/radio.rs",
            "use crate::transport::text::render_line;\nuse crate::core::game::fight_over;\n",
        ),
        (
            "transport/discord/commands.rs",
            "use super::render::reply;\nuse crate::transport::discord::Data;\n",
        ),
        (
            "commands/serve.rs",
            "use crate::transport::{console, discord, radio};\n",
        ),
        // A comment or doc link is not an import.
        (
            "core/bus.rs",
            "/// See [`crate::commands::cli`].\n// crate::transport::radio\n",
        ),
    ]
    .map(|(f, s)| (f.to_owned(), s.to_owned()));
    assert_eq!(violations(&files), Vec::<String>::new());
}

#[test]
fn a_file_outside_the_layers_is_caught() {
    assert_eq!(one("misc.rs", "fn f() {}\n"), ["misc.rs: not in any layer"]);
    assert_eq!(
        one("core/x.rs", "use crate::helpers::y;\n"),
        ["core/x.rs: `crate::helpers::y` is in no layer"]
    );
}
