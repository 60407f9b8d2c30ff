//! Font roles (字体角色) resolved against the fonts of this machine: which installed face the
//! title, body, headings and tables get (the first family of each role's stack in `fonts.toml`
//! that is installed and covers Chinese; see [`crate::render::roles`]), for `jixiao fonts`, and
//! the refusal of a font set without any Chinese face.

use std::path::PathBuf;

use super::fonts::Fonts;
use crate::error::Error;
use crate::render::roles::{ROLE_NAMES, Roles, label};

/// What a role resolved to on this machine.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub role: String,
    /// The family chosen, with the file it comes from (`None` for an embedded face).
    pub face: Option<(String, Option<PathBuf>)>,
    /// Families of the stack before the chosen one, which are not installed.
    pub missing: Vec<String>,
}

/// Resolves every role against the fonts found, in the order of [`ROLE_NAMES`] (then any
/// further roles a template defines).
pub fn resolve(roles: &Roles, fonts: &Fonts) -> Vec<Resolved> {
    let known = ROLE_NAMES
        .iter()
        .filter_map(|(n, _)| roles.get_key_value(*n));
    let extra = roles
        .iter()
        .filter(|(n, _)| !ROLE_NAMES.iter().any(|(k, _)| k == n));
    known
        .chain(extra)
        .map(|(name, role)| {
            let weight = weight_number(&role.weight);
            let mut missing = Vec::new();
            let mut face = None;
            for family in &role.families {
                match fonts.chinese_face(family, weight) {
                    Some((info, path)) => {
                        face = Some((info.family.clone(), path));
                        break;
                    }
                    None => missing.push(family.clone()),
                }
            }
            Resolved {
                role: name.clone(),
                face,
                missing,
            }
        })
        .collect()
}

/// The numeric weight of a Typst weight name (`regular` 400, `bold` 700, …).
fn weight_number(name: &str) -> u16 {
    match name {
        "thin" => 100,
        "extralight" => 200,
        "light" => 300,
        "medium" => 500,
        "semibold" => 600,
        "bold" => 700,
        "extrabold" => 800,
        "black" => 900,
        other => other.parse().unwrap_or(400),
    }
}

/// Advice for a machine without the official faces.
pub const INSTALL_HINT: &str = "请安装中文字体：Windows、macOS、麒麟、统信系统自带；Debian/Ubuntu 可执行 \
     `sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai`；公文字体（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312）\
     可放入一个文件夹并用 --font-path 指定";

/// A report of what each role resolved to, for `jixiao fonts`: one line per role, then what is
/// missing and how to install it. The flag is false when some role has no Chinese face at all.
pub fn report(resolved: &[Resolved]) -> (String, bool) {
    let mut out = String::new();
    let mut complete = true;
    let mut fallback = false;
    for r in resolved {
        let label = label(&r.role);
        match &r.face {
            Some((family, path)) => {
                let file = path
                    .as_ref()
                    .map_or("内置字体".to_string(), |p| p.display().to_string());
                out.push_str(&format!("{label}（{}）：{family}　{file}\n", r.role));
                fallback |= !r.missing.is_empty();
            }
            None => {
                complete = false;
                out.push_str(&format!("{label}（{}）：无可用的中文字体\n", r.role));
            }
        }
        if !r.missing.is_empty() {
            out.push_str(&format!("　　未安装：{}\n", r.missing.join("、")));
        }
    }
    if fallback || !complete {
        out.push_str(&format!("{INSTALL_HINT}\n"));
    }
    (out, complete)
}

/// Refuses a font set without any Chinese face: every document would print empty boxes.
pub fn require_chinese(fonts: &Fonts) -> Result<(), Error> {
    if fonts.has_chinese() {
        Ok(())
    } else {
        Err(Error::failed(format!(
            "没有找到任何中文字体，无法生成文档，未写入任何文件。{INSTALL_HINT}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::text::{
        Coverage, FontFlags, FontInfo, FontStretch, FontStyle, FontVariant, FontWeight,
    };
    use typst_kit::fonts::FontPath;

    /// A face as Typst reads it from a Windows font file: family from the English name table.
    fn face(family: &str, weight: u16, file: &str) -> (FontPath, FontInfo) {
        let info = FontInfo {
            family: family.to_string(),
            variant: FontVariant {
                style: FontStyle::Normal,
                weight: FontWeight::from_number(weight),
                stretch: FontStretch::NORMAL,
            },
            flags: FontFlags::empty(),
            axes: Vec::new(),
            // The CJK Unified Ideographs.
            coverage: Coverage::from_vec((0x4E00..=0x9FFF).collect()),
        };
        let path = PathBuf::from(format!(r"C:\Windows\Fonts\{file}"));
        (FontPath { path, index: 0 }, info)
    }

    fn chosen(fonts: &Fonts) -> Vec<(String, String)> {
        let renderer = crate::render::Renderer::new(None);
        resolve(renderer.font_roles().unwrap(), fonts)
            .into_iter()
            .map(|r| (r.role, r.face.map(|(family, _)| family).unwrap_or_default()))
            .collect()
    }

    fn roles(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(r, f)| (r.to_string(), f.to_string()))
            .collect()
    }

    /// The Chinese faces of a Simplified-Chinese Windows 7–11 (simsun.ttc, simhei.ttf,
    /// simkai.ttf, simfang.ttf, msyh.ttc), without any font installed by hand.
    fn windows_faces() -> Vec<(FontPath, FontInfo)> {
        vec![
            face("SimSun", 400, "simsun.ttc"),
            face("NSimSun", 400, "simsun.ttc"),
            face("SimHei", 400, "simhei.ttf"),
            face("KaiTi", 400, "simkai.ttf"),
            face("FangSong", 400, "simfang.ttf"),
            face("Microsoft YaHei", 400, "msyh.ttc"),
            face("Microsoft YaHei", 700, "msyhbd.ttc"),
            face("DengXian", 400, "Deng.ttf"),
        ]
    }

    #[test]
    fn the_default_stacks_find_the_faces_windows_has() {
        let fonts = Fonts::from_faces(windows_faces());
        assert_eq!(
            chosen(&fonts),
            roles(&[
                ("title", "SimSun"),
                ("body", "FangSong"),
                ("heading", "SimHei"),
                ("subheading", "KaiTi"),
                ("table", "FangSong"),
                ("table-header", "SimHei"),
            ])
        );
    }

    #[test]
    fn the_official_faces_come_first_when_installed() {
        let mut faces = windows_faces();
        faces.extend([
            face("FZXiaoBiaoSong-B05S", 400, "FZXBSJW.TTF"),
            face("FangSong_GB2312", 400, "SIMFANG_GB2312.TTF"),
            face("KaiTi_GB2312", 400, "SIMKAI_GB2312.TTF"),
        ]);
        let fonts = Fonts::from_faces(faces);
        assert_eq!(
            chosen(&fonts),
            roles(&[
                ("title", "FZXiaoBiaoSong-B05S"),
                ("body", "FangSong_GB2312"),
                ("heading", "SimHei"),
                ("subheading", "KaiTi_GB2312"),
                ("table", "FangSong_GB2312"),
                ("table-header", "SimHei"),
            ])
        );
        let resolved = resolve(
            crate::render::Renderer::new(None).font_roles().unwrap(),
            &fonts,
        );
        let (path, title_missing) = match &resolved[0].face {
            Some((_, path)) => (path.clone(), resolved[0].missing.clone()),
            None => panic!("no title face"),
        };
        assert_eq!(path, Some(PathBuf::from(r"C:\Windows\Fonts\FZXBSJW.TTF")));
        assert!(title_missing.is_empty());
    }
}
