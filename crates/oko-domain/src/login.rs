//! Login formats of the seeds: `spo_coord_RR`, `munRRMMM`, `schRRNNNN`, `spoRRNNNN`,
//! `eduRRNNNN`, `kshRRNNNN` (RR — region code, MMM — municipality code, NNNN —
//! organisation code). Logins are case-sensitive: the seeds tell people to type them
//! exactly as issued.

use std::fmt;

use crate::org::OrgKind;

/// A two-digit region code, `01`–`99`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u8);

impl RegionCode {
    /// A region code from its number; `None` outside 1–99.
    pub fn new(code: u8) -> Option<RegionCode> {
        (1..=99).contains(&code).then_some(RegionCode(code))
    }

    /// The number behind the code.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Parses exactly two ASCII digits, `"01"`–`"99"`.
    pub fn parse(text: &str) -> Option<RegionCode> {
        fixed_digits(text, 2).and_then(|n| RegionCode::new(n as u8))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// The prefix of an organisation login; it also tells the organisation's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgPrefix {
    /// `sch`: school.
    Sch,
    /// `spo`: vocational college.
    Spo,
    /// `edu`: other educational organisation.
    Edu,
    /// `ksh`: cadet or boarding school.
    Ksh,
}

impl OrgPrefix {
    /// All prefixes.
    pub const ALL: [OrgPrefix; 4] = [
        OrgPrefix::Sch,
        OrgPrefix::Spo,
        OrgPrefix::Edu,
        OrgPrefix::Ksh,
    ];

    /// The three letters as they appear in a login.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgPrefix::Sch => "sch",
            OrgPrefix::Spo => "spo",
            OrgPrefix::Edu => "edu",
            OrgPrefix::Ksh => "ksh",
        }
    }

    /// The organisation kind the prefix stands for.
    pub fn kind(self) -> OrgKind {
        match self {
            OrgPrefix::Sch | OrgPrefix::Ksh => OrgKind::School,
            OrgPrefix::Spo => OrgKind::College,
            OrgPrefix::Edu => OrgKind::Other,
        }
    }
}

/// What a login says about its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginKind {
    /// `spo_coord_RR`.
    RegionCoordinator {
        /// RR.
        region: RegionCode,
    },
    /// `munRRMMM`.
    MunicipalCoordinator {
        /// RR.
        region: RegionCode,
        /// MMM, 1–999.
        municipality: u16,
    },
    /// `schRRNNNN` and its siblings.
    Organisation {
        /// sch / spo / edu / ksh.
        prefix: OrgPrefix,
        /// RR.
        region: RegionCode,
        /// NNNN, 1–9999.
        code: u16,
    },
    /// Any other well-formed login (operators, service accounts).
    Named,
}

/// Why a login is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// Shorter than 3 or longer than 64 characters.
    Length,
    /// A character outside `A–Z a–z 0–9 _ . -`.
    Character,
}

impl LoginError {
    /// A Russian explanation for the person who typed it.
    pub fn message_ru(self) -> &'static str {
        match self {
            LoginError::Length => "Логин должен быть длиной от 3 до 64 символов",
            LoginError::Character => {
                "Логин может содержать только латинские буквы, цифры и знаки «_», «.», «-»"
            }
        }
    }
}

const REGION_COORDINATOR_PREFIX: &str = "spo_coord_";
const MUNICIPAL_PREFIX: &str = "mun";

/// The longest login accepted anywhere (the seeds' are 9–12 characters): a longer
/// one is refused before it reaches the back-off's counters, the audit log or the
/// database.
pub const MAX_LOGIN_CHARS: usize = 64;
/// The longest password accepted: argon2 hashes whatever it is given, so a
/// megabyte «password» would cost every attempt that much more.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a login's shape and tells which of the seeds' formats it follows.
pub fn parse_login(login: &str) -> Result<LoginKind, LoginError> {
    if !(3..=64).contains(&login.len()) {
        return Err(LoginError::Length);
    }
    if !login
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(LoginError::Character);
    }
    Ok(classify(login))
}

fn classify(login: &str) -> LoginKind {
    if let Some(region) = login
        .strip_prefix(REGION_COORDINATOR_PREFIX)
        .and_then(RegionCode::parse)
    {
        return LoginKind::RegionCoordinator { region };
    }
    if let Some(rest) = login.strip_prefix(MUNICIPAL_PREFIX)
        && rest.len() == 5
        && let (Some(region), Some(municipality)) = (
            RegionCode::parse(&rest[..2]),
            fixed_digits(&rest[2..], 3).filter(|n| *n > 0),
        )
    {
        return LoginKind::MunicipalCoordinator {
            region,
            municipality: municipality as u16,
        };
    }
    for prefix in OrgPrefix::ALL {
        if let Some(rest) = login.strip_prefix(prefix.as_str())
            && rest.len() == 6
            && let (Some(region), Some(code)) = (
                RegionCode::parse(&rest[..2]),
                fixed_digits(&rest[2..], 4).filter(|n| *n > 0),
            )
        {
            return LoginKind::Organisation {
                prefix,
                region,
                code: code as u16,
            };
        }
    }
    LoginKind::Named
}

/// The login of a regional coordinator: `spo_coord_RR`.
pub fn region_coordinator_login(region: RegionCode) -> String {
    format!("{REGION_COORDINATOR_PREFIX}{region}")
}

/// The login of a municipal coordinator: `munRRMMM`.
pub fn municipal_coordinator_login(region: RegionCode, municipality: u16) -> String {
    format!("{MUNICIPAL_PREFIX}{region}{municipality:03}")
}

/// The login of an organisation: `schRRNNNN` and its siblings.
pub fn organisation_login(prefix: OrgPrefix, region: RegionCode, code: u16) -> String {
    format!("{}{region}{code:04}", prefix.as_str())
}

/// Exactly `len` ASCII digits as a number.
fn fixed_digits(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_examples_are_recognised() {
        assert_eq!(
            parse_login("spo_coord_24"),
            Ok(LoginKind::RegionCoordinator {
                region: RegionCode(24)
            })
        );
        assert_eq!(
            parse_login("mun77001"),
            Ok(LoginKind::MunicipalCoordinator {
                region: RegionCode(77),
                municipality: 1
            })
        );
        assert_eq!(
            parse_login("sch240012"),
            Ok(LoginKind::Organisation {
                prefix: OrgPrefix::Sch,
                region: RegionCode(24),
                code: 12
            })
        );
        assert_eq!(
            parse_login("spo771234"),
            Ok(LoginKind::Organisation {
                prefix: OrgPrefix::Spo,
                region: RegionCode(77),
                code: 1234
            })
        );
        assert_eq!(parse_login("admin"), Ok(LoginKind::Named));
    }

    #[test]
    fn near_misses_are_named_logins_not_organisations() {
        // Case matters: the seeds issue logins in lower case and compare exactly.
        assert_eq!(parse_login("SCH240012"), Ok(LoginKind::Named));
        assert_eq!(parse_login("sch000012"), Ok(LoginKind::Named));
        assert_eq!(parse_login("sch240000"), Ok(LoginKind::Named));
        assert_eq!(parse_login("sch24001"), Ok(LoginKind::Named));
        assert_eq!(parse_login("spo_coord_7"), Ok(LoginKind::Named));
    }

    #[test]
    fn malformed_logins_are_rejected() {
        assert_eq!(parse_login("ab"), Err(LoginError::Length));
        assert_eq!(parse_login(&"a".repeat(65)), Err(LoginError::Length));
        assert_eq!(parse_login("школа"), Err(LoginError::Character));
        assert_eq!(parse_login("sch 240012"), Err(LoginError::Character));
    }

    fn region() -> impl Strategy<Value = RegionCode> {
        (1u8..=99).prop_map(RegionCode)
    }

    fn prefix() -> impl Strategy<Value = OrgPrefix> {
        prop::sample::select(OrgPrefix::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn organisation_logins_round_trip(prefix in prefix(), region in region(), code in 1u16..=9999) {
            let login = organisation_login(prefix, region, code);
            prop_assert_eq!(parse_login(&login), Ok(LoginKind::Organisation { prefix, region, code }));
        }

        #[test]
        fn coordinator_logins_round_trip(region in region(), municipality in 1u16..=999) {
            prop_assert_eq!(
                parse_login(&region_coordinator_login(region)),
                Ok(LoginKind::RegionCoordinator { region })
            );
            prop_assert_eq!(
                parse_login(&municipal_coordinator_login(region, municipality)),
                Ok(LoginKind::MunicipalCoordinator { region, municipality })
            );
        }

        #[test]
        fn parser_never_panics_and_accepts_only_the_allowed_alphabet(login in "\\PC{0,80}") {
            match parse_login(&login) {
                Ok(_) => prop_assert!(login.len() >= 3 && login.len() <= 64
                    && login.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))),
                Err(LoginError::Length) => prop_assert!(login.len() < 3 || login.len() > 64),
                Err(LoginError::Character) => prop_assert!(login.bytes().any(|b| !(b.is_ascii_alphanumeric() || b"_.-".contains(&b)))),
            }
        }
    }
}
