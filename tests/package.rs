//! Sealed packages: BagIt layout, reproducible bytes, and `verify` catching every kind of
//! tampering by name.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjuan"))
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/valid/with-ledger")
}

fn build(out: &Path) {
    let o = bin()
        .arg("build")
        .arg(fixture())
        .arg("-o")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn verify(path: &Path, extra: &[&str]) -> (i32, String) {
    let o = bin().arg("verify").arg(path).args(extra).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

fn zip_names(p: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .collect()
}

/// Rewrites a zip applying `f` to the entry list (name, bytes).
fn rewrite_zip(p: &Path, f: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            entries.push((e.name().unwrap().to_string(), b));
        }
    }
    f(&mut entries);
    let mut w = zip::ZipWriter::new(std::fs::File::create(p).unwrap());
    for (n, b) in entries {
        w.start_file(n, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&b).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn package_is_a_bagit_bag_with_fixed_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out);
    let zip = out.join("T-0001.zip");
    let names = zip_names(&zip);
    for tag in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
    ] {
        assert!(
            names.contains(&format!("T-0001/{tag}")),
            "{tag} in {names:?}"
        );
    }
    assert!(
        names.contains(&"T-0001/data/source/case.yaml".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"T-0001/data/source/ledger.yaml".to_string()),
        "{names:?}"
    );
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut info = String::new();
    z.by_name("T-0001/bag-info.txt")
        .unwrap()
        .read_to_string(&mut info)
        .unwrap();
    assert!(info.contains("Bagging-Date: 2024-05-20"), "{info}");
    assert!(info.contains("Payload-Oxum: "), "{info}");
    assert!(info.contains("External-Identifier: T-0001"), "{info}");
    assert!(info.contains("Bag-Software-Agent: anjuan "), "{info}");
    let (code, text) = verify(&out, &[]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = verify(&zip, &["--fast"]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn two_builds_give_identical_zip_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    build(&tmp.path().join("a"));
    build(&tmp.path().join("b"));
    let a = std::fs::read(tmp.path().join("a/T-0001.zip")).unwrap();
    let b = std::fs::read(tmp.path().join("b/T-0001.zip")).unwrap();
    assert!(a == b, "package bytes differ between builds");
}

#[test]
fn verify_names_every_flip_deletion_addition_and_rename() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out);
    let zip = out.join("T-0001.zip");
    let pristine = std::fs::read(&zip).unwrap();
    let payload: Vec<String> = zip_names(&zip)
        .into_iter()
        .filter(|n| n.starts_with("T-0001/data/"))
        .collect();
    assert!(!payload.is_empty());
    // Every single-byte flip in every payload file is caught and named.
    for name in &payload {
        std::fs::write(&zip, &pristine).unwrap();
        rewrite_zip(&zip, |es| {
            let e = es.iter_mut().find(|(n, _)| n == name).unwrap();
            let mid = e.1.len() / 2;
            if e.1.is_empty() {
                e.1.push(0);
            } else {
                e.1[mid] ^= 0x01;
            }
        });
        let (code, text) = verify(&zip, &[]);
        let rel = name.trim_start_matches("T-0001/");
        assert_eq!(code, 1, "{name}: {text}");
        assert!(text.contains(&format!("已被改动：{rel}")), "{name}: {text}");
    }
    // Deletion.
    std::fs::write(&zip, &pristine).unwrap();
    let victim = payload[0].clone();
    rewrite_zip(&zip, |es| es.retain(|(n, _)| *n != victim));
    let (code, text) = verify(&zip, &[]);
    assert_eq!(code, 1);
    assert!(
        text.contains(&format!("缺失：{}", victim.trim_start_matches("T-0001/"))),
        "{text}"
    );
    // Addition.
    std::fs::write(&zip, &pristine).unwrap();
    rewrite_zip(&zip, |es| {
        es.push(("T-0001/data/附加.txt".into(), b"x".to_vec()))
    });
    let (code, text) = verify(&zip, &["--fast"]);
    assert_eq!(code, 1);
    assert!(text.contains("被添加：data/附加.txt"), "{text}");
    // Rename.
    std::fs::write(&zip, &pristine).unwrap();
    let victim = payload[0].clone();
    rewrite_zip(&zip, |es| {
        let e = es.iter_mut().find(|(n, _)| *n == victim).unwrap();
        e.0 = "T-0001/data/改名后.bin".into();
    });
    let (code, text) = verify(&zip, &[]);
    assert_eq!(code, 1);
    assert!(
        text.contains(&format!(
            "被改名：{} → data/改名后.bin",
            victim.trim_start_matches("T-0001/")
        )),
        "{text}"
    );
    // A tag file edited.
    std::fs::write(&zip, &pristine).unwrap();
    rewrite_zip(&zip, |es| {
        let e = es
            .iter_mut()
            .find(|(n, _)| n == "T-0001/bag-info.txt")
            .unwrap();
        e.1.extend_from_slice(b"Note: edited\n");
    });
    let (code, text) = verify(&zip, &["--format", "json"]);
    assert_eq!(code, 1);
    assert!(text.contains("tag-altered"), "{text}");
}

#[test]
fn verify_checks_unpacked_bags_and_output_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out);
    // Unpack the bag into a folder and verify it there.
    let bagdir = tmp.path().join("bag");
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.join("T-0001.zip")).unwrap()).unwrap();
    z.extract(&bagdir).unwrap();
    let (code, text) = verify(&bagdir.join("T-0001"), &[]);
    assert_eq!(code, 0, "{text}");
    std::fs::write(bagdir.join("T-0001/data/source/case.yaml"), "case: {}\n").unwrap();
    let (code, text) = verify(&bagdir.join("T-0001"), &[]);
    assert_eq!(code, 1);
    assert!(text.contains("已被改动：data/source/case.yaml"), "{text}");
    // A file dropped into the unpacked output volume is named too.
    std::fs::write(out.join("T-0001/多出来的.txt"), "x").unwrap();
    let (code, text) = verify(&out, &[]);
    assert_eq!(code, 1);
    assert!(text.contains("被添加：多出来的.txt"), "{text}");
}
