//! The demo country: all 89 regions, their municipalities and ≥ 45,000 organisations
//! with an account for every organisation and coordinator. Deterministic: the same
//! scale always gives the same tree, logins and ids.

use chrono::Utc;
use oko_domain::{
    login::{
        OrgPrefix, RegionCode, municipal_coordinator_login, organisation_login,
        region_coordinator_login,
    },
    role::Role,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set,
};
use uuid::Uuid;

use crate::demo_names::{COLLEGE_PROFILES, DISTRICTS, OTHER_PROFILES, REGIONS};
use crate::entities::{municipality, organisation, region, user};

/// The login of the demo's federal operator.
pub const OPERATOR_LOGIN: &str = "admin";

/// How big a demo to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoScale {
    /// The whole country: 89 regions, ~2,000 municipalities, ≥ 45,000 organisations.
    Full,
    /// Three regions (24, 50, 77), three municipalities each, eight organisations in
    /// each municipality: for tests and quick looks.
    Small,
}

/// What was created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    /// Regions created.
    pub regions: usize,
    /// Municipalities created.
    pub municipalities: usize,
    /// Organisations created.
    pub organisations: usize,
    /// Accounts created, the operator included.
    pub users: usize,
}

/// One login per role, to print for people trying the demo.
pub fn sample_logins() -> [(Role, String); 4] {
    let krasnoyarsk = RegionCode::new(24).expect("24 is a region code");
    [
        (Role::Operator, OPERATOR_LOGIN.to_owned()),
        (
            Role::RegionCoordinator,
            region_coordinator_login(krasnoyarsk),
        ),
        (
            Role::MunicipalCoordinator,
            municipal_coordinator_login(krasnoyarsk, 1),
        ),
        (
            Role::Organisation,
            organisation_login(OrgPrefix::Sch, krasnoyarsk, 1),
        ),
    ]
}

/// Whether the database already holds an organisation tree.
pub async fn is_seeded(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(region::Entity::find().count(db).await? > 0)
}

/// Builds the demo in one transaction. Every account gets `password_hash` (the demo
/// shares one password, so it is hashed once rather than 48,000 times).
pub async fn seed(
    db: &DatabaseConnection,
    scale: DemoScale,
    password_hash: &str,
) -> Result<DemoSummary, DbErr> {
    let country = generate(scale, password_hash);
    let summary = DemoSummary {
        regions: country.regions.len(),
        municipalities: country.municipalities.len(),
        organisations: country.organisations.len(),
        users: country.users.len(),
    };
    // The full demo also gets the seeds' sections and 2,000 publications; the small
    // one stays empty so tests start from a clean notice board.
    let board = (scale == DemoScale::Full).then(|| {
        let regions: Vec<Uuid> = country.regions.iter().map(|r| *r.id.as_ref()).collect();
        let organisations: Vec<Uuid> = country
            .organisations
            .iter()
            .map(|o| *o.id.as_ref())
            .collect();
        crate::demo_publications::generate(&regions, &organisations)
    });
    let txn = crate::connection::begin_write(db).await?;
    insert_chunked(&txn, country.regions).await?;
    insert_chunked(&txn, country.municipalities).await?;
    insert_chunked(&txn, country.organisations).await?;
    if let Some(board) = board {
        insert_chunked(&txn, board.sections).await?;
        insert_chunked(&txn, board.publications).await?;
        insert_chunked(&txn, board.audience).await?;
    }
    insert_chunked(&txn, country.users).await?;
    txn.commit().await?;
    Ok(summary)
}

/// Rows per INSERT: far below SQLite's and PostgreSQL's bind-parameter limits.
const ROWS_PER_INSERT: usize = 1000;

async fn insert_chunked<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

struct Country {
    regions: Vec<region::ActiveModel>,
    municipalities: Vec<municipality::ActiveModel>,
    organisations: Vec<organisation::ActiveModel>,
    users: Vec<user::ActiveModel>,
}

/// SplitMix64: tiny, deterministic and good enough to vary names and sizes.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(crate) fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// How many municipalities and organisations each demo region gets.
#[derive(Clone, Copy, Debug)]
struct RegionPlan {
    index: usize,
    municipalities: u16,
    organisations_per_municipality: u16,
}

fn plan(scale: DemoScale, rng: &mut Rng) -> Vec<RegionPlan> {
    match scale {
        DemoScale::Small => REGIONS
            .iter()
            .enumerate()
            .filter(|(_, r)| [24, 50, 77].contains(&r.0))
            .map(|(index, _)| RegionPlan {
                index,
                municipalities: 3,
                organisations_per_municipality: 8,
            })
            .collect(),
        DemoScale::Full => REGIONS
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let weight = u16::from(r.3);
                RegionPlan {
                    index,
                    municipalities: 8 + weight * 6 + rng.below(6) as u16,
                    organisations_per_municipality: 16 + weight * 4 + rng.below(5) as u16,
                }
            })
            .collect(),
    }
}

fn generate(scale: DemoScale, password_hash: &str) -> Country {
    let mut rng = Rng(0x0C0_2026);
    let now = Utc::now();
    let mut country = Country {
        regions: Vec::new(),
        municipalities: Vec::new(),
        organisations: Vec::new(),
        users: Vec::new(),
    };
    let account =
        |rng: &mut Rng, login: String, role: Role, name: String, place: [Option<Uuid>; 3]| {
            user::ActiveModel {
                id: Set(rng.uuid()),
                login: Set(login),
                password_hash: Set(password_hash.to_owned()),
                role: Set(role.as_str().to_owned()),
                display_name: Set(name),
                region_id: Set(place[0]),
                municipality_id: Set(place[1]),
                organisation_id: Set(place[2]),
                blocked: Set(false),
                created_at: Set(now),
                sessions_since: Set(None),
            }
        };
    country.users.push(account(
        &mut rng,
        OPERATOR_LOGIN.to_owned(),
        Role::Operator,
        "Федеральный оператор".to_owned(),
        [None; 3],
    ));
    for region_plan in plan(scale, &mut rng) {
        let (code, region_name, capital, _) = REGIONS[region_plan.index];
        let region_code = RegionCode::new(code).expect("demo region codes are valid");
        let region_id = rng.uuid();
        country.regions.push(region::ActiveModel {
            id: Set(region_id),
            code: Set(region_code.to_string()),
            name: Set(region_name.to_owned()),
        });
        country.users.push(account(
            &mut rng,
            region_coordinator_login(region_code),
            Role::RegionCoordinator,
            region_name.to_owned(),
            [Some(region_id), None, None],
        ));
        let mut org_code: u16 = 0;
        for municipality_code in 1..=region_plan.municipalities {
            let municipality_id = rng.uuid();
            let municipality_name =
                municipality_name(region_name, capital, municipality_code, &mut rng);
            country.users.push(account(
                &mut rng,
                municipal_coordinator_login(region_code, municipality_code),
                Role::MunicipalCoordinator,
                municipality_name.clone(),
                [Some(region_id), Some(municipality_id), None],
            ));
            country.municipalities.push(municipality::ActiveModel {
                id: Set(municipality_id),
                region_id: Set(region_id),
                code: Set(i32::from(municipality_code)),
                name: Set(municipality_name),
            });
            for number in 1..=region_plan.organisations_per_municipality {
                org_code += 1;
                let (prefix, name, short_name) = organisation_names(&mut rng, number, capital);
                let login = organisation_login(prefix, region_code, org_code);
                let org_id = rng.uuid();
                country.users.push(account(
                    &mut rng,
                    login.clone(),
                    Role::Organisation,
                    short_name.clone(),
                    [Some(region_id), Some(municipality_id), Some(org_id)],
                ));
                country.organisations.push(organisation::ActiveModel {
                    id: Set(org_id),
                    region_id: Set(region_id),
                    municipality_id: Set(municipality_id),
                    kind: Set(prefix.kind().as_str().to_owned()),
                    code: Set(i32::from(org_code)),
                    search_text: Set(oko_domain::org::search_text(&login, &short_name, &name)),
                    login: Set(login),
                    name: Set(name),
                    short_name: Set(short_name),
                    closed_at: Set(None),
                });
            }
        }
    }
    country
}

fn municipality_name(region_name: &str, capital: &str, code: u16, rng: &mut Rng) -> String {
    if code == 1 {
        return format!("г. {capital}");
    }
    let district = DISTRICTS[(usize::from(code) + rng.below(7) as usize) % DISTRICTS.len()];
    let kind = if region_name.starts_with("г. ") {
        "внутригородской район"
    } else if rng.below(3) == 0 {
        "муниципальный округ"
    } else {
        "муниципальный район"
    };
    // The same district name may come up twice in a region; the code keeps it unique.
    if usize::from(code) > DISTRICTS.len() / 2 {
        format!("{district} {kind} № {code}")
    } else {
        format!("{district} {kind}")
    }
}

/// (login prefix, full name, short name) of the `number`-th organisation in a municipality.
/// The first organisation of every municipality is its school № 1.
fn organisation_names(rng: &mut Rng, number: u16, capital: &str) -> (OrgPrefix, String, String) {
    let draw = if number == 1 { 0 } else { rng.below(100) };
    match draw {
        0..=77 => {
            let (owner_full, owner_short) = if rng.below(5) == 0 {
                ("Муниципальное автономное", "МАОУ")
            } else {
                ("Муниципальное бюджетное", "МБОУ")
            };
            let (kind_full, kind_short) = match rng.below(10) {
                0..=6 => ("Средняя общеобразовательная школа", "СОШ"),
                7 => ("Основная общеобразовательная школа", "ООШ"),
                8 => ("Лицей", "Лицей"),
                _ => ("Гимназия", "Гимназия"),
            };
            (
                OrgPrefix::Sch,
                format!("{owner_full} общеобразовательное учреждение «{kind_full} № {number}»"),
                format!("{owner_short} {kind_short} № {number}"),
            )
        }
        78..=79 => (
            OrgPrefix::Ksh,
            format!(
                "Государственное бюджетное общеобразовательное учреждение «Кадетская школа-интернат № {number}»"
            ),
            format!("ГБОУ КШИ № {number}"),
        ),
        80..=89 => {
            let profile = COLLEGE_PROFILES[rng.below(COLLEGE_PROFILES.len() as u64) as usize];
            (
                OrgPrefix::Spo,
                format!(
                    "Государственное бюджетное профессиональное образовательное учреждение «{profile} № {number} г. {capital}»"
                ),
                format!("ГБПОУ «{profile} № {number}»"),
            )
        }
        _ => {
            let (owner, profile) = OTHER_PROFILES[rng.below(OTHER_PROFILES.len() as u64) as usize];
            (
                OrgPrefix::Edu,
                format!("{owner} «{profile} № {number}»"),
                format!("{profile} № {number}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_demo_is_country_scale() {
        let country = generate(DemoScale::Full, "hash");
        assert_eq!(country.regions.len(), 89);
        assert!(
            country.organisations.len() >= 45_000,
            "{}",
            country.organisations.len()
        );
        assert!(
            country.municipalities.len() >= 1_500,
            "{}",
            country.municipalities.len()
        );
        // Operator + one coordinator per region and municipality + one per organisation.
        assert_eq!(
            country.users.len(),
            1 + 89 + country.municipalities.len() + country.organisations.len()
        );
    }

    #[test]
    fn demo_is_deterministic_and_logins_unique() {
        let first = generate(DemoScale::Full, "hash");
        let second = generate(DemoScale::Full, "hash");
        let logins = |c: &Country| -> Vec<String> {
            c.users.iter().map(|u| u.login.clone().unwrap()).collect()
        };
        assert_eq!(logins(&first), logins(&second));
        let mut unique = logins(&first);
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), first.users.len());
    }

    #[test]
    fn every_sample_login_exists_in_the_small_demo() {
        let country = generate(DemoScale::Small, "hash");
        for (_, login) in sample_logins() {
            assert!(
                country
                    .users
                    .iter()
                    .any(|u| u.login.clone().unwrap() == login),
                "{login}"
            );
        }
    }
}
