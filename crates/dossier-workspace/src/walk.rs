//! Walking the folders the user names: recursive, honouring `.gitignore`,
//! skipping build and tool folders, following symlinks with loop detection.

use std::path::{Path, PathBuf};

use crate::FileError;

/// Folders never walked into: version control, build output, packages, our cache.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", ".dossier"];

/// Whether a path (relative to the folder walked) lies in a folder that is
/// never walked into (`.git`, `target`, `node_modules`, `.dossier`): what
/// [`walk`] skips, for those who learn of files some other way (a watcher).
pub fn in_skipped_dir(relative: &Path) -> bool {
    relative.components().any(|c| SKIPPED_DIRS.iter().any(|skip| c.as_os_str() == *skip))
}

/// A regular file found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// The path on disk.
    pub path: PathBuf,
    /// The path as text, used to name the file in output and in the index.
    pub display: String,
}

/// Every regular file under `paths` (a path that is itself a file is taken as
/// is), sorted by path, plus an error for each entry that could not be walked.
///
/// Never fails as a whole: a missing path, a symlink loop, an unreadable folder
/// or a file name that is not UTF-8 each become a [`FileError`].
pub fn walk(paths: &[PathBuf]) -> (Vec<WalkedFile>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        for entry in walker(root).build() {
            match entry {
                Ok(entry) => {
                    let file_type = entry.file_type();
                    if file_type.is_some_and(|t| t.is_file()) {
                        push_file(entry.into_path(), &mut files, &mut errors);
                    } else if entry.depth() == 0 && !file_type.is_some_and(|t| t.is_dir()) {
                        // Found while walking, a FIFO or device is passed over (opening a FIFO
                        // waits for a writer); named by the user, it deserves a word.
                        errors.push(FileError {
                            path: entry.into_path(),
                            error: "not a regular file (a pipe, socket or device)".to_owned(),
                        });
                    }
                }
                Err(error) => errors.push(walk_error(root, error)),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors)
}

/// The walker with the rules of [`walk`]: `.gitignore` honoured, tool
/// folders skipped, links followed.
fn walker(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(true)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && SKIPPED_DIRS.iter().any(|skip| entry.file_name() == *skip))
        });
    builder
}

/// The folders [`walk`] enters under `root`, `root` included, sorted: what
/// a watcher watches, so that it sees exactly the files a walk would find.
pub fn walk_folders(root: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = walker(root)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_dir()))
        .map(ignore::DirEntry::into_path)
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

/// What [`walk`] keeps directly inside `folder`: its files and its folders
/// (a file or folder ignored by a `.gitignore`, or a tool folder, is in neither).
pub fn walk_entries(folder: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut files, mut folders) = (Vec::new(), Vec::new());
    for entry in walker(folder).max_depth(Some(1)).build().filter_map(Result::ok).filter(|e| e.depth() == 1) {
        match entry.file_type() {
            Some(t) if t.is_dir() => folders.push(entry.into_path()),
            Some(t) if t.is_file() => files.push(entry.into_path()),
            _ => {}
        }
    }
    (files, folders)
}

fn push_file(path: PathBuf, files: &mut Vec<WalkedFile>, errors: &mut Vec<FileError>) {
    let Some(display) = path.to_str() else {
        errors.push(FileError { path, error: "file name is not valid UTF-8".to_owned() });
        return;
    };
    let display = display.strip_prefix("./").unwrap_or(display).to_owned();
    files.push(WalkedFile { path, display });
}

/// Turns a walker error into an error naming the path it concerns.
fn walk_error(root: &Path, error: ignore::Error) -> FileError {
    let mut path = root.to_path_buf();
    let mut current = &error;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path = p.clone();
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => current = err,
            ignore::Error::Loop { child, ancestor } => {
                return FileError {
                    path: child.clone(),
                    error: format!("symlink loop: this folder links back to {}", ancestor.display()),
                };
            }
            ignore::Error::Io(io) => return FileError { path, error: describe_io(io) },
            other => return FileError { path, error: other.to_string().to_lowercase() },
        }
    }
}

/// An IO error in the words a user expects.
pub(crate) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = error.to_string();
            // Drop the "(os error N)" suffix: the words say it.
            text.split(" (os error").next().unwrap_or(&text).to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(files: &[WalkedFile], root: &Path) -> Vec<String> {
        files.iter().map(|f| f.path.strip_prefix(root).unwrap().display().to_string()).collect()
    }

    #[test]
    fn walks_recursively_and_skips_tool_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in ["a.txt", "sub/b.md", ".git/c.txt", "target/d.txt", "node_modules/e.txt", "ignored/f.txt"] {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let (files, errors) = walk(&[root.to_path_buf()]);
        assert_eq!(names(&files, root), [".gitignore", "a.txt", "sub/b.md"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn folders_and_entries_follow_the_rules_of_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in
            ["a.txt", "sub/b.md", "sub/deep/c.md", ".git/c.txt", "node_modules/e.txt", "ignored/f.txt", "skip.log"]
        {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        fs::write(root.join(".gitignore"), "ignored/\n*.log\n").unwrap();
        let folders: Vec<String> =
            walk_folders(root).iter().map(|f| f.strip_prefix(root).unwrap().display().to_string()).collect();
        assert_eq!(folders, ["", "sub", "sub/deep"]);
        let (mut files, folders) = walk_entries(root);
        files.sort();
        assert_eq!(files, [root.join(".gitignore"), root.join("a.txt")]);
        assert_eq!(folders, [root.join("sub")]);
        // The rules of the folders above apply inside a folder too.
        fs::write(root.join("sub/deep/x.log"), "x").unwrap();
        assert_eq!(walk_entries(&root.join("sub/deep")).0, [root.join("sub/deep/c.md")]);
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let (files, errors) = walk(std::slice::from_ref(&missing));
        assert!(files.is_empty());
        assert_eq!(errors, [FileError { path: missing, error: "no such file or folder".to_owned() }]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_an_error_and_the_rest_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("docs")).unwrap();
        fs::write(root.join("docs/a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("docs"), root.join("docs/again")).unwrap();
        let (files, errors) = walk(&[root.to_path_buf()]);
        assert_eq!(names(&files, root), ["docs/a.txt"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].error.starts_with("symlink loop"), "{errors:?}");
        assert!(errors[0].path.ends_with("docs/again"), "{errors:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn non_utf8_file_name_is_an_error() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        fs::write(dir.path().join(name), "x").unwrap();
        fs::write(dir.path().join("ok.txt"), "x").unwrap();
        let (files, errors) = walk(&[dir.path().to_path_buf()]);
        assert_eq!(names(&files, dir.path()), ["ok.txt"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].error, "file name is not valid UTF-8");
    }
}
