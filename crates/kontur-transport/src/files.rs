//! Files written whole: each is written under a temporary name beside its final one and renamed
//! when complete, so an interrupted write never leaves a truncated file under the real name.

use std::path::{Path, PathBuf};

/// The temporary name a file is written under: `<path>.part` (`report.xml` → `report.xml.part`).
pub fn part_path(path: &Path) -> PathBuf {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    PathBuf::from(part)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_part_name_keeps_the_whole_file_name() {
        use std::path::Path;
        assert_eq!(
            super::part_path(Path::new("a/report.xml")),
            Path::new("a/report.xml.part")
        );
        assert_eq!(
            super::part_path(Path::new("a/noext")),
            Path::new("a/noext.part")
        );
    }
}
