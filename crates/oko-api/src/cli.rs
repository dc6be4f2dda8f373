//! The `oko` command: serve, migrate, seed the demo, manage accounts, print the API
//! document. Passwords are read from standard input, never from arguments, so they
//! do not show in a process list.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Args, Parser, Subcommand, ValueEnum};
use oko_db::storages::NewFile;
use oko_db::{
    demo::{self, DemoScale},
    users::{self, CreateUserError, Placement},
};
use oko_domain::{role::Role, storages::FileKind};

use crate::{auth::password, config::Config, file_store::FileStore, startup::Application};

/// The demo's shared password, printed by `oko seed-demo`.
pub const DEMO_PASSWORD: &str = "oko-demo-2026";
/// Shortest password accepted for a real account (the policy's).
pub const MIN_PASSWORD_CHARS: usize = oko_domain::password_policy::MIN_CHARS;

/// Oko: data collection for the education-quality system.
#[derive(Parser, Debug)]
#[command(name = "oko", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Apply migrations and serve the API and the SPA.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo country (once: does nothing when the tree is already there).
    SeedDemo {
        /// `full`: 89 regions, ≥ 45,000 organisations; `small`: 3 regions, for tests.
        #[arg(long, value_enum, default_value_t = ScaleArg::Full)]
        scale: ScaleArg,
    },
    /// Add a demo file storage to the newest publication for everyone, with `files`
    /// small files and up to `marks` download marks (for demos and benchmarks).
    SeedDownloads {
        #[arg(long, default_value_t = 21)]
        files: u32,
        #[arg(long, default_value_t = 1_000_000)]
        marks: u64,
    },
    /// Benchmark set-up: a collection of the schedule demo form, open now, on the
    /// newest publication for everyone, and access tokens of `organisations`
    /// organisation accounts (valid `hours`), one per line, written to `out`. The
    /// tokens act as those accounts: keep the file to the benchmark. `skip` passes
    /// over the first accounts (by login), so runs on one database use fresh ones.
    SeedSurge {
        #[arg(long, default_value_t = 45_000)]
        organisations: u64,
        #[arg(long, default_value_t = 0)]
        skip: u64,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 2)]
        hours: i64,
    },
    /// «Аналитика» demo: the assessment «ВПР 2026» with `works` works (at most 4)
    /// and about `students` generated results spread over every organisation.
    SeedResults {
        #[arg(long, default_value_t = 4)]
        works: usize,
        #[arg(long, default_value_t = 10_000_000)]
        students: u64,
    },
    /// Benchmark baseline: the marks of work `work` counted with a plain GROUP BY
    /// over the raw results (`unit`: country, region:<id> or organisation:<login>),
    /// `runs` times; prints p50 and p99 in milliseconds.
    AnalyticsBaseline {
        #[arg(long)]
        work: uuid::Uuid,
        #[arg(long, default_value = "country")]
        unit: String,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Benchmark set-up: `questions` generated support-forum questions, each with
    /// an answer, asked by the first regional coordinator.
    SeedForum {
        #[arg(long, default_value_t = 25_000)]
        questions: u64,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Same as `oko user create`.
    CreateUser(CreateUserArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Copy the database while it serves (SQLite: `VACUUM INTO`; PostgreSQL:
    /// `pg_dump`) to FILE, and the local store's files to FILE.files/.
    Backup { file: std::path::PathBuf },
    /// Bring a copy made by `oko backup` into the empty database of
    /// OKO_DATABASE_URL (and its files into OKO_DATA_DIR), then migrate it.
    Restore { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Create(CreateUserArgs),
    /// Set a new password (read from standard input) and end the user's sessions.
    SetPassword {
        /// The account's login.
        login: String,
    },
    /// Block an account: it can no longer log in, its sessions end.
    Block {
        /// The account's login.
        login: String,
    },
    /// Unblock an account.
    Unblock {
        /// The account's login.
        login: String,
    },
}

#[derive(Args, Debug)]
struct CreateUserArgs {
    /// Login, e.g. `spo_coord_24`, `sch240001`; logins are case-sensitive.
    #[arg(long)]
    login: String,
    /// operator, region_coordinator, municipal_coordinator or organisation.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Region code (RR) for coordinators.
    #[arg(long)]
    region: Option<String>,
    /// Municipality number inside the region, for municipal coordinators.
    #[arg(long)]
    municipality: Option<i32>,
    /// The organisation's login, for organisation accounts.
    #[arg(long)]
    organisation: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ScaleArg {
    Full,
    Small,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        "expected operator, region_coordinator, municipal_coordinator or organisation".to_owned()
    })
}

/// A failure to report to the operator and exit non-zero.
type CliResult = Result<(), Box<dyn std::error::Error>>;

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self, config: Config) -> CliResult {
        match self.command {
            Command::Openapi => {
                print!("{}", crate::openapi::document_json());
                Ok(())
            }
            Command::Serve => serve(config).await,
            Command::Backup { file } => crate::backup::backup(&config, &file).await,
            Command::Restore { file } => crate::backup::restore(&config, &file).await,
            Command::Migrate => {
                open_database(&config).await?;
                println!("Миграции применены: {}", config.database_url);
                Ok(())
            }
            Command::SeedDemo { scale } => seed_demo(&config, scale).await,
            Command::SeedDownloads { files, marks } => seed_downloads(&config, files, marks).await,
            Command::SeedSurge {
                organisations,
                skip,
                out,
                hours,
            } => seed_surge(&config, organisations, skip, &out, hours).await,
            Command::SeedResults { works, students } => {
                seed_results(&config, works, students).await
            }
            Command::AnalyticsBaseline { work, unit, runs } => {
                analytics_baseline(&config, work, &unit, runs).await
            }
            Command::SeedForum { questions } => seed_forum(&config, questions).await,
            Command::User(UserCommand::Create(args)) | Command::CreateUser(args) => {
                create_user(&config, args).await
            }
            Command::User(UserCommand::SetPassword { login }) => {
                set_password(&config, &login).await
            }
            Command::User(UserCommand::Block { login }) => set_blocked(&config, &login, true).await,
            Command::User(UserCommand::Unblock { login }) => {
                set_blocked(&config, &login, false).await
            }
        }
    }
}

async fn open_database(
    config: &Config,
) -> Result<oko_db::DatabaseConnection, Box<dyn std::error::Error>> {
    oko_db::connection::create_postgres_database_if_missing(&config.database_url)
        .await
        .map_err(|e| {
            format!(
                "OKO_DATABASE_URL: не удалось создать базу {} ({e}). Проверьте, что сервер PostgreSQL запущен и пользователь может создавать базы, или создайте ее сами (createdb)",
                config.database_url
            )
        })?;
    let db = oko_db::connection::connect(&config.database_url)
        .await
        .map_err(|e| {
            format!(
                "OKO_DATABASE_URL: не удалось открыть базу {} ({e}). Проверьте адрес, что сервер базы запущен, и права на файл базы и его каталог",
                config.database_url
            )
        })?;
    oko_db::connection::migrate(&db).await?;
    Ok(db)
}

/// Refuses to serve what cannot work, naming the path and what to do: a start
/// that «succeeds» on a read-only database answers 500 to every login.
async fn refuse_what_cannot_work(config: &Config, db: &oko_db::DatabaseConnection) -> CliResult {
    let dir = &config.data_dir;
    let probe = dir.join(".oko-write-probe");
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b"oko"))
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "OKO_DATA_DIR: в каталог {} нельзя записывать ({e}). Дайте пользователю, от имени которого работает oko, права на запись в него или укажите другой каталог",
                dir.display()
            )
        })?;
    oko_db::connection::probe_writable(db).await.map_err(|e| {
        format!(
            "OKO_DATABASE_URL: база {} не принимает записи ({e}). Для SQLite дайте права на запись в файл базы и в его каталог; для PostgreSQL укажите основной сервер, а не реплику только для чтения",
            config.database_url
        )
    })?;
    let store = crate::file_store::FileStore::configured(config)?;
    store.probe().await.map_err(|e| {
        let place = match &config.s3 {
            Some(s3) => format!("корзина S3 {}", s3.bucket),
            None => format!("каталог {}", config.data_dir.join("files").display()),
        };
        format!(
            "Хранилище файлов ({place}) не принимает файлы ({e}). Проверьте права на запись или ключи доступа (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"
        )
    })?;
    Ok(())
}

async fn serve(config: Config) -> CliResult {
    let db = open_database(&config).await?;
    refuse_what_cannot_work(&config, &db).await?;
    let app = Application::build(&config, db)
        .map_err(|e| format!("OKO_LISTEN: cannot listen on {}: {e}", config.listen))?;
    tracing::info!(port = app.port(), "serving");
    println!(
        "Oko слушает http://{}:{} (API: /api/docs)",
        config.listen.ip(),
        app.port()
    );
    app.run_until_stopped().await?;
    Ok(())
}

async fn seed_demo(config: &Config, scale: ScaleArg) -> CliResult {
    let db = open_database(config).await?;
    if demo::is_seeded(&db).await? {
        println!("Демо уже загружено: база не пуста, ничего не изменено.");
    } else {
        let scale = match scale {
            ScaleArg::Full => DemoScale::Full,
            ScaleArg::Small => DemoScale::Small,
        };
        let started = std::time::Instant::now();
        let hash = password::hash_off_thread(DEMO_PASSWORD.to_owned()).await;
        let summary = demo::seed(&db, scale, &hash).await?;
        if scale == DemoScale::Small {
            // «Аналитика» of the small demo: two works, 25 students per school.
            oko_db::demo_results::seed(&db, 2, 72 * 25 * 2, chrono::Utc::now()).await?;
        }
        println!(
            "Демо загружено за {:.1} с: регионов {}, муниципалитетов {}, организаций {}, учётных записей {}.",
            started.elapsed().as_secs_f64(),
            summary.regions,
            summary.municipalities,
            summary.organisations,
            summary.users
        );
    }
    println!("Демо-входы (пароль у всех: {DEMO_PASSWORD}):");
    for (role, login) in demo::sample_logins() {
        println!("  {:<28} {login}", role.title_ru());
    }
    Ok(())
}

async fn seed_results(config: &Config, works: usize, students: u64) -> CliResult {
    let db = open_database(config).await?;
    let started = std::time::Instant::now();
    let seeded = oko_db::demo_results::seed(&db, works, students, chrono::Utc::now()).await?;
    println!(
        "Оценочная процедура {}: работ {}, результатов {} за {:.1} с.",
        seeded.assessment_id,
        seeded.works.len(),
        seeded.students,
        started.elapsed().as_secs_f64()
    );
    for work in seeded.works {
        println!("work {work}");
    }
    Ok(())
}

async fn analytics_baseline(
    config: &Config,
    work: uuid::Uuid,
    unit: &str,
    runs: usize,
) -> CliResult {
    let db = open_database(config).await?;
    let roster = oko_db::roster::Roster::load(&db).await?;
    let unit =
        oko_db::analytics::units::Unit::parse(unit, &roster).ok_or("неизвестная территория")?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = std::time::Instant::now();
        let counts = oko_db::analytics::baseline::marks(&db, work, unit).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(counts);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("p50 {:.2} ms, p99 {:.2} ms", at(0.5), at(0.99));
    Ok(())
}

async fn seed_forum(config: &Config, questions: u64) -> CliResult {
    let db = open_database(config).await?;
    let author = users::find_by_login(&db, "spo_coord_24")
        .await?
        .ok_or("нет координатора spo_coord_24: сначала `oko seed-demo`")?;
    let started = std::time::Instant::now();
    oko_db::demo_forum::seed(&db, questions, author.id, chrono::Utc::now()).await?;
    println!(
        "Форум: вопросов {questions} с ответами за {:.1} с.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn seed_downloads(config: &Config, files: u32, marks: u64) -> CliResult {
    let db = open_database(config).await?;
    let store = FileStore::configured(config)?;
    let mut new_files = Vec::new();
    for n in 1..=files {
        let text = format!("Демонстрационный файл № {n}\n");
        let key = store.put(text.as_bytes()).await?;
        new_files.push(NewFile {
            kind: FileKind::Common,
            owner: None,
            name: format!("Материалы № {n:02}.txt"),
            content_type: "text/plain; charset=utf-8".to_owned(),
            size: text.len() as u64,
            crc32: crc32fast::hash(text.as_bytes()),
            store_key: key,
        });
    }
    let started = std::time::Instant::now();
    match oko_db::demo_storages::seed(&db, new_files, marks, chrono::Utc::now()).await? {
        Some((storage, made)) => println!(
            "Хранилище {storage}: файлов {files}, отметок о скачивании {made} за {:.1} с.",
            started.elapsed().as_secs_f64()
        ),
        None => println!("Нет публикации для всех: сначала `oko seed-demo`."),
    }
    Ok(())
}

async fn seed_surge(
    config: &Config,
    organisations: u64,
    skip: u64,
    out: &std::path::Path,
    hours: i64,
) -> CliResult {
    let db = open_database(config).await?;
    let now = chrono::Utc::now();
    let Some(surge) = oko_db::demo_surge::seed(&db, organisations, skip, now).await? else {
        return Err("нет публикации для всех: сначала `oko seed-demo`".into());
    };
    let keys = crate::auth::tokens::TokenKeys::new(&crate::startup::signing_secret(config)?);
    let mut lines = String::new();
    for user in &surge.users {
        lines.push_str(&keys.issue_access_for(*user, now, hours * 3600));
        lines.push('\n');
    }
    std::fs::write(out, lines)?;
    println!("collection {}", surge.collection_id);
    println!("tokens {} -> {}", surge.users.len(), out.display());
    Ok(())
}

async fn create_user(config: &Config, args: CreateUserArgs) -> CliResult {
    let placement = placement_of(&args)?;
    let password = read_password()?;
    let db = open_database(config).await?;
    let hash = password::hash_off_thread(password).await;
    match users::create(&db, &args.login, &hash, placement).await {
        Ok(user) => {
            println!(
                "Создан пользователь {} ({})",
                user.login,
                args.role.title_ru()
            );
            Ok(())
        }
        Err(CreateUserError::LoginTaken) => Err(format!("логин {} уже занят", args.login).into()),
        Err(CreateUserError::PlacementNotFound) => {
            Err("регион, муниципалитет или организация не найдены".into())
        }
        Err(CreateUserError::Db(err)) => Err(err.into()),
    }
}

fn placement_of(args: &CreateUserArgs) -> Result<Placement, String> {
    let need = |value: Option<String>, flag: &str| {
        value.ok_or_else(|| format!("роль {} требует {flag}", args.role.as_str()))
    };
    Ok(match args.role {
        Role::Operator => Placement::Country,
        Role::RegionCoordinator => Placement::Region(need(args.region.clone(), "--region")?),
        Role::MunicipalCoordinator => Placement::Municipality {
            region: need(args.region.clone(), "--region")?,
            code: args
                .municipality
                .ok_or("роль municipal_coordinator требует --municipality")?,
        },
        Role::Organisation => {
            Placement::Organisation(need(args.organisation.clone(), "--organisation")?)
        }
    })
}

async fn set_password(config: &Config, login: &str) -> CliResult {
    let password = read_password()?;
    let db = open_database(config).await?;
    let hash = password::hash_off_thread(password).await;
    let known = oko_db::known_users::UserCache::off();
    if users::set_password_hash(&db, &known, login, &hash, users::NewPassword::Reset)
        .await?
        .is_some()
    {
        record_reset(&db, login).await?;
        println!("Пароль {login} изменён, его сессии и API-токены завершены.");
        Ok(())
    } else {
        Err(format!("нет пользователя {login}").into())
    }
}

/// The reset in the audit log, as done from the server's console.
async fn record_reset(db: &oko_db::DatabaseConnection, login: &str) -> CliResult {
    let Some(user) = users::find_by_login(db, login).await? else {
        return Ok(());
    };
    let roster = oko_db::roster::Roster::load(db).await?;
    oko_db::audit::record(
        db,
        oko_db::audit::NewEvent {
            actor_id: None,
            actor: "oko user set-password",
            action: oko_domain::audit::AuditAction::PasswordReset,
            target: login,
            detail: "Пароль задан с консоли сервера",
            address: None,
            place: oko_db::audit::place_of_user(&user, &roster),
            at: chrono::Utc::now(),
        },
    )
    .await?;
    Ok(())
}

async fn set_blocked(config: &Config, login: &str, blocked: bool) -> CliResult {
    let db = open_database(config).await?;
    let known = oko_db::known_users::UserCache::off();
    if users::set_blocked(&db, &known, login, blocked).await? {
        println!(
            "{login}: {}",
            if blocked {
                "заблокирован"
            } else {
                "разблокирован"
            }
        );
        Ok(())
    } else {
        Err(format!("нет пользователя {login}").into())
    }
}

/// One line from standard input, without its line break.
fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Пароль: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("не удалось прочитать пароль: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("пароль короче {MIN_PASSWORD_CHARS} символов"));
    }
    Ok(password)
}
