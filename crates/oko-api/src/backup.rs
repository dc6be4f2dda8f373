//! `oko backup FILE` and `oko restore FILE`: a consistent copy of a serving
//! database, and that copy brought back into an empty one.
//!
//! SQLite: `VACUUM INTO` writes the database as one read transaction sees it (the
//! server keeps saving meanwhile; WAL lets it). PostgreSQL: `pg_dump` in its
//! custom format, `pg_restore` back (both from the PostgreSQL client package).
//! Files of the local store are copied beside the copy, to `FILE.files/`, after
//! the database: every file the copy names was written before it (files are
//! never changed in place), so none is missing. Files in S3 are named, not
//! copied: the bucket is kept by its own means.

use std::{
    io,
    path::{Path, PathBuf},
    process::Command,
};

use crate::config::Config;

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// Where the copy of the local store's files goes: beside the database's copy.
pub fn files_copy_of(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".files");
    PathBuf::from(name)
}

/// The local store's files (`OKO_DATA_DIR/files/files`).
fn stored_files(config: &Config) -> PathBuf {
    config.data_dir.join("files").join("files")
}

/// `oko backup FILE`.
pub async fn backup(config: &Config, file: &Path) -> Outcome {
    if file.exists() {
        return Err(format!("{} уже существует: укажите новый файл", file.display()).into());
    }
    let started = std::time::Instant::now();
    match oko_db::connection::sqlite_path(&config.database_url) {
        Some(_) => {
            let db = oko_db::connection::connect(&config.database_url).await?;
            let target = file.to_str().ok_or("путь к копии должен быть в UTF-8")?;
            oko_db::connection::sqlite_copy_into(&db, target)
                .await
                .map_err(|e| format!("SQLite не записал копию в {}: {e}", file.display()))?;
            db.close().await?;
        }
        None => run_tool(
            Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(file)
                .arg("--dbname")
                .arg(&config.database_url),
            "pg_dump",
        )?,
    }
    println!(
        "Копия базы: {} ({:.1} с)",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    match &config.s3 {
        Some(s3) => println!(
            "Файлы хранятся в корзине S3 «{}»: в копию не входят, сохраняйте корзину ее средствами (версии, репликация)",
            s3.bucket
        ),
        None => {
            let to = files_copy_of(file);
            let copied = copy_tree(&stored_files(config), &to)?;
            println!("Файлы хранилища: {copied} в {}", to.display());
        }
    }
    Ok(())
}

/// `oko restore FILE` into the empty database of `OKO_DATABASE_URL`.
pub async fn restore(config: &Config, file: &Path) -> Outcome {
    if !file.is_file() {
        return Err(format!("Нет файла копии {}", file.display()).into());
    }
    match oko_db::connection::sqlite_path(&config.database_url) {
        Some(path) => {
            if path.exists() {
                refuse_unless_empty(config).await?;
                std::fs::remove_file(&path)?;
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(file, &path)?;
        }
        None => {
            oko_db::connection::create_postgres_database_if_missing(&config.database_url).await?;
            refuse_unless_empty(config).await?;
            run_tool(
                Command::new("pg_restore")
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg("--exit-on-error")
                    .arg("--dbname")
                    .arg(&config.database_url)
                    .arg(file),
                "pg_restore",
            )?;
        }
    }
    // A copy made by an older `oko` is brought up to this one's schema.
    let db = oko_db::connection::connect(&config.database_url).await?;
    oko_db::connection::migrate(&db).await?;
    db.close().await?;
    let files = files_copy_of(file);
    if files.is_dir() {
        let copied = copy_tree(&files, &stored_files(config))?;
        println!("Файлы хранилища: {copied} из {}", files.display());
    }
    println!("База восстановлена из {}", file.display());
    Ok(())
}

/// Restoring over data would mix two countries: only into an empty database.
async fn refuse_unless_empty(config: &Config) -> Outcome {
    let db = oko_db::connection::connect(&config.database_url).await?;
    let tables = oko_db::connection::table_count(&db).await?;
    db.close().await?;
    if tables > 0 {
        return Err(format!(
            "База {} не пуста (таблиц: {tables}): восстановление — только в новую, пустую базу",
            config.database_url
        )
        .into());
    }
    Ok(())
}

fn run_tool(command: &mut Command, name: &str) -> Outcome {
    let status = command.status().map_err(|e| {
        format!(
            "не удалось запустить {name} ({e}): установите клиент PostgreSQL (postgresql-client)"
        )
    })?;
    if !status.success() {
        return Err(format!("{name} завершился с ошибкой ({status})").into());
    }
    Ok(())
}

/// Copies the files under `from` into `to` (made if missing); how many.
fn copy_tree(from: &Path, to: &Path) -> io::Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut copied = 0;
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copied += copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            copied += 1;
        }
    }
    Ok(copied)
}
