//! The checks that keep the engine's house in order: use cases live in
//! areas (folders) whose `mod.rs` only names their files, the root holds
//! no use case, and no two files import each other, directly or round a
//! circle — so a newcomer reads who calls whom from the imports and finds
//! an area from its folder's name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file by its module path (`payments::webhook`; the crate
/// root is the empty path).
fn modules() -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<Vec<String>, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
                    parts.pop();
                }
                out.insert(parts, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src(), &src(), &mut out);
    out
}

fn without_comments(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The paths a file names below `crate::`, from its `use` items (braces
/// expanded) and from paths written inline.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    fn expand(prefix: &[String], body: &str, out: &mut Vec<Vec<String>>) {
        let (mut depth, mut start) = (0, 0);
        let mut items = Vec::new();
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&body[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&body[start..]);
        for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
            let item = item.split(" as ").next().unwrap_or(item).trim();
            match item.find('{') {
                Some(open) => {
                    let mut p = prefix.to_vec();
                    p.extend(item[..open].split("::").filter(|s| !s.is_empty()).map(str::to_string));
                    expand(&p, &item[open + 1..item.len() - 1], out);
                }
                None => {
                    let mut p = prefix.to_vec();
                    p.extend(item.split("::").filter(|s| !s.is_empty()).map(str::to_string));
                    out.push(p);
                }
            }
        }
    }
    let text = without_comments(text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("use crate::") {
        let body = &rest[at + "use crate::".len()..];
        let end = body.find(';').unwrap_or(body.len());
        expand(&[], &body[..end], &mut out);
        rest = &body[end..];
    }
    for (i, _) in text.match_indices("crate::") {
        let before = &text[..i];
        if before.ends_with("use ") {
            continue;
        }
        let path: String =
            text[i + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        out.push(path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect());
    }
    out
}

/// Which files each file imports.
fn imports() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = modules();
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        let mut targets = BTreeSet::new();
        for path in crate_paths(text) {
            let target = (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| files.contains_key(p)).unwrap_or_default();
            if &target != module {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

fn name(m: &[String]) -> String {
    if m.is_empty() { "lib".into() } else { m.join("::") }
}

#[test]
fn no_two_engine_files_import_each_other_even_round_a_circle() {
    let graph = imports();
    // Tarjan's strongly connected components: any with more than one file
    // is a circle.
    struct State<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        circles: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in &s.graph[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(name(w));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.circles.push(component);
            }
        }
    }
    let mut s = State { graph: &graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), circles: Vec::new() };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    assert!(s.circles.is_empty(), "files that import each other (move what both need to the lower one): {:?}", s.circles);
}

#[test]
fn the_engine_root_holds_areas_and_each_area_file_only_names_its_files() {
    let root: BTreeSet<String> =
        std::fs::read_dir(src()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let loose: Vec<&String> =
        root.iter().filter(|n| n.ends_with(".rs") && !["lib.rs", "testing.rs"].contains(&n.as_str())).collect();
    assert!(loose.is_empty(), "use cases belong in an area folder, not at the root: {loose:?}");
    // Each area keeps its use cases in named files; its mod.rs is a table
    // of contents, so that nothing imports an area's hub.
    for (module, text) in modules() {
        if module.len() != 1 || !src().join(&module[0]).is_dir() {
            continue;
        }
        let code: Vec<&str> = without_comments(&text)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("pub mod ") && !l.starts_with("mod "))
            .map(|l| Box::leak(l.to_string().into_boxed_str()) as &str)
            .collect();
        assert!(code.is_empty(), "{}/mod.rs should only name its files, found {code:?}", module[0]);
    }
}
