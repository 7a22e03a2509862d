//! The Rathaus benchmark. Run with `scripts/bench` (release build).
//!
//! Everything is measured in one run on one machine and reported as a ratio against a
//! baseline measured in the same run (shared machines are noisy; absolute numbers are not
//! comparable between runs). Baselines: `/healthz` (a static route of the same server) for
//! HTTP throughput; raw single-row inserts into the same SQLite file for submissions and
//! hand-overs (deliveries through the outbox to a local webhook receiver).

use anyhow::{bail, Context, Result};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let bin = rathaus_bin()?;
    let root = workspace_root();
    let work = std::env::temp_dir().join(format!("rathaus-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let defs = work.join("definitions");
    copy_dir(&root.join("demo/definitions"), &defs)?;
    let generated = generate_services(&defs, 1000)?;
    println!(
        "Rathaus benchmark — {} services ({} generated), {CLIENTS} clients, {seconds} s per route",
        generated + 20,
        generated
    );
    println!("binary: {}", bin.display());

    // rathaus check of 1,000 definitions.
    let mut checks = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = Command::new(&bin).arg("check").arg(&defs).output()?;
        if !out.status.success() {
            bail!("check failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        checks.push(t.elapsed());
    }
    let check_ms = median(&mut checks).as_secs_f64() * 1000.0;

    // Time from start to ready (median of 5 cold starts, fresh SQLite each).
    let mut starts = Vec::new();
    for i in 0..5 {
        let (mut child, _addr, took) =
            start(&bin, &defs, &work.join(format!("start{i}")), "8388608")?;
        starts.push(took);
        let _ = child.kill();
        let _ = child.wait();
    }
    let ready_ms = median(&mut starts).as_secs_f64() * 1000.0;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let routes = [
        ("static route /healthz (baseline)", "/healthz"),
        ("static file /static/rathaus.css", "/static/rathaus.css"),
        (
            "catalogue: service page",
            "/soest/leistungen/hundeanmeldung",
        ),
        (
            "catalogue: topic page (250 services)",
            "/kreis-paderborn/themen/freizeit",
        ),
        ("catalogue: tenant home", "/solingen"),
        (
            "search: 'hundesteuer' (1,000 services)",
            "/soest/suche?q=hundesteuer",
        ),
        ("search: 'einbuergerung'", "/solingen/suche?q=einbuergerung"),
        (
            "API: a service (JSON)",
            "/api/v1/tenants/soest/services/hundeanmeldung",
        ),
        (
            "API: service search (JSON)",
            "/api/v1/tenants/soest/services?q=hund",
        ),
    ];
    let mut idle_rss = 0;
    let mut peak_rss = 0;
    let mut tables = Vec::new();
    for (label, cache) in [
        ("page cache on (default)", "8388608"),
        ("page cache off: every page rendered", "0"),
    ] {
        let (mut server, addr, _) = start(&bin, &defs, &work.join(format!("run-{cache}")), cache)?;
        std::thread::sleep(Duration::from_millis(500));
        if idle_rss == 0 {
            idle_rss = rss_kib(server.id());
            peak_rss = idle_rss;
        }
        let mut results = Vec::new();
        for (name, path) in routes {
            // Warm-up, then measure.
            rt.block_on(load(&addr, path, Duration::from_millis(500)))?;
            let pid = server.id();
            let sampler = std::thread::spawn(move || {
                let mut peak = 0;
                let end = Instant::now() + Duration::from_secs(seconds);
                while Instant::now() < end {
                    peak = peak.max(rss_kib(pid));
                    std::thread::sleep(Duration::from_millis(50));
                }
                peak
            });
            let r = rt.block_on(load(&addr, path, Duration::from_secs(seconds)))?;
            peak_rss = peak_rss.max(sampler.join().unwrap_or(0));
            results.push((name, r));
        }
        let _ = server.kill();
        let _ = server.wait();
        tables.push((label, results));
    }
    // Forms: one server (SQLite in `work/forms`), step rendering and complete submissions,
    // against raw inserts into the same database file in the same run.
    let forms_dir = work.join("forms");
    let (mut server, addr, _) = start(&bin, &defs, &forms_dir, "8388608")?;
    let step = rt.block_on(async {
        let (cookie, csrf) = guest(&addr).await?;
        let draft = new_draft(&addr, &cookie, &csrf).await?;
        let path = format!("/soest/antrag/{draft}/schritt/halter");
        load_as(&addr, &path, Some(&cookie), Duration::from_millis(500)).await?;
        load_as(&addr, &path, Some(&cookie), Duration::from_secs(seconds)).await
    })?;
    // The Postkorb list of the API with an app's token, against the static route of the
    // same server in the same run.
    let (api_base, api_list) = rt.block_on(async {
        let token = guest_token(&addr).await?;
        let auth = format!("Bearer {token}");
        let path = "/api/v1/tenants/solingen/applications";
        load_with(
            &addr,
            path,
            &[("authorization", &auth)],
            Duration::from_millis(500),
        )
        .await?;
        let list = load_with(
            &addr,
            path,
            &[("authorization", &auth)],
            Duration::from_secs(seconds),
        )
        .await?;
        let base = load(&addr, "/healthz", Duration::from_secs(seconds)).await?;
        Ok::<_, anyhow::Error>((base, list))
    })?;
    let submissions = rt.block_on(submissions(&addr, Duration::from_secs(seconds)))?;
    let submits = rt.block_on(submit_requests(&addr, 2000))?;
    let _ = server.kill();
    let _ = server.wait();
    let raw = rt.block_on(raw_inserts(
        &forms_dir.join("rathaus.db"),
        Duration::from_secs(seconds),
    ))?;
    let deliveries = rt.block_on(deliveries(&bin, &defs, &work.join("deliveries"), 1000))?;
    let slots = slot_computation();
    let bookings = {
        let fixture = root.join("crates/rathaus/tests/fixtures/appointments");
        let (mut server, addr, _) = start(&bin, &fixture, &work.join("bookings"), "8388608")?;
        let r = rt.block_on(bookings(&addr, 1000));
        let _ = server.kill();
        let _ = server.wait();
        r?
    };
    let _ = std::fs::remove_dir_all(&work);
    println!();
    println!("forms (Hundeanmeldung, SQLite)");
    println!(
        "  render a form step:        {:>8.0} req/s   p50 {:.3} ms   p99 {:.3} ms",
        step.rps,
        step.p50.as_secs_f64() * 1000.0,
        step.p99.as_secs_f64() * 1000.0
    );
    println!(
        "  API my applications:       {:>8.0} req/s   p50 {:.3} ms   p99 {:.3} ms   ({:.0} % of /healthz in the same run; an app's guest token)",
        api_list.rps,
        api_list.p50.as_secs_f64() * 1000.0,
        api_list.p99.as_secs_f64() * 1000.0,
        100.0 * api_list.rps / api_base.rps.max(1.0)
    );
    println!("  complete submissions:      {:>8.1} /s      (6 HTTP requests, 5 writes each; {CLIENTS} citizens at once)", submissions);
    println!("  submit requests alone:     {:>8.0} /s      (draft complete → application with reference, {CLIENTS} at once)", submits);
    println!("  raw inserts, same database: {:>8.0} /s      (one INSERT per transaction, {CLIENTS} writers)", raw);
    println!("  deliveries (webhook):      {:>8.0} /s      ({} queued applications drained by the outbox worker to a local receiver)", deliveries.0, deliveries.1);
    println!();
    println!("appointments");
    println!(
        "  free slots of a month:     {:>8.3} ms     (median of {} runs; 10 counters, {} bookings, {} free starts found)",
        slots.0, slots.1, slots.2, slots.3
    );
    println!("  bookings over HTTP:        {:>8.0} /s      ({} bookings, {CLIENTS} citizens at once; each re-checks the free slots and takes its units in one transaction)", bookings.0, bookings.1);

    let mut summary = vec![
        (
            "form step render p99 < 5 ms at 16 clients".to_owned(),
            step.p99.as_secs_f64() * 1000.0,
            5.0,
            false,
        ),
        (
            "whole application (6 requests) ≥ 30 % of the raw-insert rate (%)".to_owned(),
            100.0 * submissions / raw.max(1.0),
            30.0,
            true,
        ),
        (
            "submit request alone ≥ 30 % of the raw-insert rate (%)".to_owned(),
            100.0 * submits / raw.max(1.0),
            30.0,
            true,
        ),
        (
            "webhook deliveries ≥ 10 % of the raw-insert rate (%)".to_owned(),
            100.0 * deliveries.0 / raw.max(1.0),
            10.0,
            true,
        ),
        (
            "free slots of a month across 10 counters < 5 ms".to_owned(),
            slots.0,
            5.0,
            false,
        ),
        (
            "bookings ≥ 10 % of the raw-insert rate (%)".to_owned(),
            100.0 * bookings.0 / raw.max(1.0),
            10.0,
            true,
        ),
        (
            "API my applications ≥ 50 % of static-route throughput (%)".to_owned(),
            100.0 * api_list.rps / api_base.rps.max(1.0),
            50.0,
            true,
        ),
        (
            "API my applications p99 < 5 ms at 16 clients".to_owned(),
            api_list.p99.as_secs_f64() * 1000.0,
            5.0,
            false,
        ),
    ];
    for (label, results) in &tables {
        let base = results[0].1.rps;
        println!();
        println!("{label}");
        println!(
            "{:<42} {:>10} {:>9} {:>9} {:>9}",
            "route", "req/s", "vs base", "p50 ms", "p99 ms"
        );
        for (name, r) in results {
            println!(
                "{:<42} {:>10.0} {:>8.0}% {:>9.3} {:>9.3}",
                name,
                r.rps,
                100.0 * r.rps / base,
                r.p50.as_secs_f64() * 1000.0,
                r.p99.as_secs_f64() * 1000.0
            );
        }
        let detail = &results[2].1;
        let search = &results[5].1;
        let api_service = &results[7].1;
        summary.push((
            format!("API service ≥ 50 % of static-route throughput ({label})"),
            100.0 * api_service.rps / base,
            50.0,
            true,
        ));
        summary.push((
            format!("API service p99 < 5 ms ({label})"),
            api_service.p99.as_secs_f64() * 1000.0,
            5.0,
            false,
        ));
        summary.push((
            format!("service page ≥ 50 % of static-route throughput ({label})"),
            100.0 * detail.rps / base,
            50.0,
            true,
        ));
        summary.push((
            format!("search ≥ 50 % of static-route throughput ({label})"),
            100.0 * search.rps / base,
            50.0,
            true,
        ));
        summary.push((
            format!("service page p99 < 5 ms ({label})"),
            detail.p99.as_secs_f64() * 1000.0,
            5.0,
            false,
        ));
        summary.push((
            format!("search p99 < 5 ms ({label})"),
            search.p99.as_secs_f64() * 1000.0,
            5.0,
            false,
        ));
    }
    summary.push((
        "idle RSS < 30 MB".into(),
        idle_rss as f64 / 1024.0,
        30.0,
        false,
    ));
    summary.push((
        "ready < 500 ms with 1,000 services".into(),
        ready_ms,
        500.0,
        false,
    ));
    summary.push((
        "`rathaus check` of 1,000 definitions < 1 s (ms)".into(),
        check_ms,
        1000.0,
        false,
    ));
    println!();
    println!("{:<72} {:>9} {:>7}", "goal", "measured", "");
    for (goal, value, limit, at_least) in summary {
        let ok = if at_least {
            value >= limit
        } else {
            value < limit
        };
        println!(
            "{:<72} {:>9.1} {:>7}",
            goal,
            value,
            if ok { "met" } else { "MISSED" }
        );
    }
    println!("peak RSS under load: {:.1} MB", peak_rss as f64 / 1024.0);
    Ok(())
}

/// GETs `path`, returns the CSRF cookie and token of the page.
async fn csrf_of(addr: &str, path: &str) -> Result<(String, String)> {
    let (status, headers, body) = request(addr, "GET", path, None, None).await?;
    if status != 200 {
        bail!("{path}: HTTP {status}");
    }
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("rathaus_csrf="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
        .context("no CSRF cookie")?;
    let i = body
        .find("name=\"_csrf\" value=\"")
        .context("no CSRF field")?
        + 20;
    Ok((cookie, body[i..i + 32].to_owned()))
}

/// A guest's browser: the CSRF cookie, the guest session its first draft started, and the
/// CSRF token bound to both (a guest's drafts open only in the session that started them).
async fn guest(addr: &str) -> Result<(String, String)> {
    let (csrf_cookie, csrf) = csrf_of(addr, "/soest/leistungen/hundeanmeldung/antrag").await?;
    let (status, headers, _) = request(
        addr,
        "POST",
        "/soest/leistungen/hundeanmeldung/antrag",
        Some(&csrf_cookie),
        Some(format!("_csrf={csrf}")),
    )
    .await?;
    if status != 303 {
        bail!("start: HTTP {status}");
    }
    let session = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("rathaus_session="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
        .context("no guest session")?;
    let step = headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .context("no location")?
        .to_owned();
    let cookie = format!("{csrf_cookie}; {session}");
    let (status, _, body) = request(addr, "GET", &step, Some(&cookie), None).await?;
    if status != 200 {
        bail!("{step}: HTTP {status}");
    }
    let i = body
        .find("name=\"_csrf\" value=\"")
        .context("no CSRF field")?
        + 20;
    Ok((cookie, body[i..i + 32].to_owned()))
}

async fn request(
    addr: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<String>,
) -> Result<(u16, hyper::HeaderMap, String)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let body = match form {
        Some(f) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            http_body_util::Full::new(Bytes::from(f))
        }
        None => http_body_util::Full::new(Bytes::new()),
    };
    let res = sender.send_request(req.body(body)?).await?;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok((
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

async fn new_draft(addr: &str, cookie: &str, csrf: &str) -> Result<String> {
    let (status, headers, _) = request(
        addr,
        "POST",
        "/soest/leistungen/hundeanmeldung/antrag",
        Some(cookie),
        Some(format!("_csrf={csrf}")),
    )
    .await?;
    if status != 303 {
        bail!("start: HTTP {status}");
    }
    let loc = headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .context("no location")?;
    Ok(loc.split('/').nth(3).unwrap_or("").to_owned())
}

/// One complete application: start, three steps, check page, submit.
async fn one_submission(addr: &str, cookie: &str, csrf: &str) -> Result<()> {
    let draft = filled_draft(addr, cookie, csrf).await?;
    submit_draft(addr, cookie, csrf, &draft).await
}

/// A draft with every step answered, ready to submit.
async fn filled_draft(addr: &str, cookie: &str, csrf: &str) -> Result<String> {
    let draft = new_draft(addr, cookie, csrf).await?;
    let steps = [
        ("halter", "vorname=Erika&nachname=Mustermann&geburtsdatum=24.03.1985&anschrift.street=Markt&anschrift.house_number=1&anschrift.postal_code=59494&anschrift.city=Soest"),
        ("hunde", "hunde.count=1&hunde.0.rufname=Bello&hunde.0.rasse=Mischling&hunde.0.gelistet=nein&hunde.0.gross=nein&hunde.0.chipnummer=276098106543210&hunde.0.seit=01.09.2026"),
        ("zahlung", "zahlweise=ueberweisung"),
    ];
    for (step, fields) in steps {
        let path = format!("/soest/antrag/{draft}/schritt/{step}");
        let (status, _, body) = request(
            addr,
            "POST",
            &path,
            Some(cookie),
            Some(format!("_csrf={csrf}&aktion=weiter&{fields}")),
        )
        .await?;
        if status != 303 {
            bail!(
                "{path}: HTTP {status}: {}",
                body.chars().take(300).collect::<String>()
            );
        }
    }
    let (status, _, _) = request(
        addr,
        "GET",
        &format!("/soest/antrag/{draft}/pruefen"),
        Some(cookie),
        None,
    )
    .await?;
    if status != 200 {
        bail!("check page: HTTP {status}");
    }
    Ok(draft)
}

async fn submit_draft(addr: &str, cookie: &str, csrf: &str, draft: &str) -> Result<()> {
    let (status, _, _) = request(
        addr,
        "POST",
        &format!("/soest/antrag/{draft}/absenden"),
        Some(cookie),
        Some(format!("_csrf={csrf}&einwilligung=ja&wahrheit=ja")),
    )
    .await?;
    if status != 303 {
        bail!("submit: HTTP {status}");
    }
    Ok(())
}

/// Submit requests per second: `n` drafts are filled first, then submitted by `CLIENTS`
/// citizens at once; only the submits are timed.
async fn submit_requests(addr: &str, n: usize) -> Result<f64> {
    let (cookie, csrf) = guest(addr).await?;
    let mut drafts = Vec::with_capacity(n);
    for _ in 0..n {
        drafts.push(filled_draft(addr, &cookie, &csrf).await?);
    }
    let chunks: Vec<Vec<String>> = drafts
        .chunks(n.div_ceil(CLIENTS))
        .map(<[String]>::to_vec)
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let (addr, cookie, csrf) = (addr.to_owned(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            for d in &chunk {
                submit_draft(&addr, &cookie, &csrf, d).await?;
            }
            Ok::<_, anyhow::Error>(chunk.len())
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Complete submissions per second with `CLIENTS` citizens at once.
async fn submissions(addr: &str, duration: Duration) -> Result<f64> {
    let (cookie, csrf) = guest(addr).await?;
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (addr, cookie, csrf) = (addr.to_owned(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                one_submission(&addr, &cookie, &csrf).await?;
                n += 1;
            }
            Ok::<_, anyhow::Error>(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Raw inserts per second into the same SQLite file, each its own transaction.
async fn raw_inserts(db: &Path, duration: Duration) -> Result<f64> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let opts = SqliteConnectOptions::new()
        .filename(db)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL, created BIGINT NOT NULL)")
        .execute(&pool)
        .await?;
    let payload = "x".repeat(600);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for w in 0..CLIENTS {
        let (pool, payload) = (pool.clone(), payload.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                sqlx::query("INSERT INTO bench_raw (id, payload, created) VALUES ($1, $2, $3)")
                    .bind(format!("{w}-{n}"))
                    .bind(&payload)
                    .bind(n as i64)
                    .execute(&pool)
                    .await?;
                n += 1;
            }
            Ok::<_, anyhow::Error>(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Deliveries per second through the outbox: Soest's only target is a webhook to a receiver
/// in this process. The receiver holds its first answer until `n` Hundeanmeldungen are
/// submitted, so the worker (which sends one row at a time) leaves them queued; then it
/// answers every request at once and the time until all `n` have arrived is measured.
/// Returns (deliveries per second, n).
async fn deliveries(bin: &Path, demo: &Path, work: &Path, n: usize) -> Result<(f64, usize)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let defs = work.join("definitions");
    copy_dir(demo, &defs)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    let tenant = defs.join("soest/tenant.yaml");
    let yaml = std::fs::read_to_string(&tenant)?;
    let cut = yaml
        .find("\ndeliveries:")
        .context("the demo's Soest deliveries")?;
    std::fs::write(
        &tenant,
        format!(
            "{}\ndeliveries:\n  - id: bench\n    name: {{ de: Benchmark }}\n    webhook: {{ url: \"{url}\", secret_env: BENCH_WEBHOOK_SECRET }}\n",
            &yaml[..cut]
        ),
    )?;
    let received = Arc::new(AtomicUsize::new(0));
    let (open_tx, open_rx) = tokio::sync::watch::channel(false);
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (counter, open) = (counter.clone(), open_rx.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (counter, mut open) = (counter.clone(), open.clone());
                        async move {
                            let _ = req.into_body().collect().await;
                            let _ = open.wait_for(|o| *o).await;
                            counter.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Full::new(Bytes::from_static(b"{\"ok\":true}")),
                            ))
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let data = work.join("data");
    std::fs::create_dir_all(&data)?;
    let mut server = Command::new(bin)
        .arg("serve")
        .env("RATHAUS_LISTEN", "127.0.0.1:0")
        .env("RATHAUS_DATA_DIR", &data)
        .env("RATHAUS_DEFINITIONS", &defs)
        .env("RATHAUS_LOG", "warn")
        .env("RATHAUS_DELIVERY_TIMEOUT_SECS", "600")
        .env(
            "BENCH_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env_remove("RATHAUS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting rathaus")?;
    let mut line = String::new();
    BufReader::new(server.stdout.take().context("stdout")?).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("rathaus listening on http://")
        .with_context(|| format!("unexpected output: {line}"))?
        .to_owned();
    let queued = submit_requests(&addr, n).await;
    let result = match queued {
        Ok(_) => {
            let started = Instant::now();
            let _ = open_tx.send(true);
            let deadline = started + Duration::from_secs(300);
            while received.load(Ordering::SeqCst) < n && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let got = received.load(Ordering::SeqCst);
            if got < n {
                Err(anyhow::anyhow!("only {got} of {n} deliveries arrived"))
            } else {
                Ok((n as f64 / started.elapsed().as_secs_f64(), n))
            }
        }
        Err(e) => Err(e),
    };
    let _ = server.kill();
    let _ = server.wait();
    result
}

struct LoadResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// `CLIENTS` keep-alive connections, each sending requests back to back for `duration`.
async fn load(addr: &str, path: &str, duration: Duration) -> Result<LoadResult> {
    load_as(addr, path, None, duration).await
}

/// Like [`load`], in a browser's session (its cookie header).
async fn load_as(
    addr: &str,
    path: &str,
    cookie: Option<&str>,
    duration: Duration,
) -> Result<LoadResult> {
    match cookie {
        Some(c) => load_with(addr, path, &[("cookie", c)], duration).await,
        None => load_with(addr, path, &[], duration).await,
    }
}

/// An app's guest token at Solingen's demo app.
async fn guest_token(addr: &str) -> Result<String> {
    let body = "grant_type=urn%3Arathaus%3Agrant-type%3Aguest&client_id=stadt-app-demo";
    let (status, _, text) = request(
        addr,
        "POST",
        "/api/v1/tenants/solingen/token",
        None,
        Some(body.to_owned()),
    )
    .await?;
    if status != 200 {
        bail!("token: HTTP {status} {text}");
    }
    let v: serde_json::Value = serde_json::from_str(&text)?;
    Ok(v["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned())
}

/// Like [`load`], with extra request headers.
async fn load_with(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    duration: Duration,
) -> Result<LoadResult> {
    let extra: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let addr = addr.to_owned();
        let path = path.to_owned();
        let extra = extra.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr).await?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let mut req = hyper::Request::get(path.as_str()).header("host", addr.as_str());
                for (k, v) in &extra {
                    req = req.header(k.as_str(), v.as_str());
                }
                let req = req.body(Empty::<Bytes>::new())?;
                let t = Instant::now();
                let res = sender.send_request(req).await?;
                let status = res.status();
                res.into_body().collect().await?;
                if !status.is_success() {
                    bail!("{path}: HTTP {status}");
                }
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(LoadResult {
        rps: all.len() as f64 / elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
    })
}

fn start(
    bin: &Path,
    defs: &Path,
    data: &Path,
    cache_bytes: &str,
) -> Result<(Child, String, Duration)> {
    std::fs::create_dir_all(data)?;
    let t = Instant::now();
    let mut child = Command::new(bin)
        .arg("serve")
        .env("RATHAUS_LISTEN", "127.0.0.1:0")
        .env("RATHAUS_DATA_DIR", data)
        .env("RATHAUS_DEFINITIONS", defs)
        .env("RATHAUS_LOG", "warn")
        .env("RATHAUS_PAGE_CACHE_BYTES", cache_bytes)
        // The benchmark is one address: the API's per-address limit would measure itself.
        .env("RATHAUS_API_REQUESTS_PER_MINUTE", "1000000000")
        .env_remove("RATHAUS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting rathaus")?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let took = t.elapsed();
    let addr = line
        .trim()
        .strip_prefix("rathaus listening on http://")
        .with_context(|| format!("unexpected output: {line}"))?
        .to_owned();
    Ok((child, addr, took))
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rathaus_bin() -> Result<PathBuf> {
    if let Ok(p) = std::env::var("RATHAUS_BENCH_BIN") {
        return Ok(PathBuf::from(p));
    }
    let me = std::env::current_exe()?;
    let sibling = me.with_file_name("rathaus");
    if sibling.exists() {
        Ok(sibling)
    } else {
        bail!(
            "rathaus binary not found next to {}; build it with `cargo build --release -p rathaus`",
            me.display()
        )
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// Adds `total - 20` generated, valid services spread over the four demo tenants.
fn generate_services(defs: &Path, total: usize) -> Result<usize> {
    const NOUNS: &[&str] = &[
        "Bauantrag",
        "Sondernutzung",
        "Gaststättenerlaubnis",
        "Baumfällung",
        "Straßenfest",
        "Feuerwerk",
        "Gewerbeanmeldung",
        "Wohngeld",
        "Führungszeugnis",
        "Anwohnerparken",
        "Grabstätte",
        "Sperrmüll",
        "Schülerfahrkarte",
        "Lärmschutz",
        "Wasseranschluss",
        "Fischteich",
        "Brennholz",
        "Plakatierung",
    ];
    const VERBS: &[&str] = &[
        "beantragen",
        "ändern",
        "verlängern",
        "abmelden",
        "anzeigen",
        "prüfen lassen",
    ];
    let tenants = [
        ("solingen", "buergerbuero", "urkunden"),
        ("soest", "ordnungsamt", "tiere"),
        ("kreis-soest", "umweltamt", "freizeit"),
        ("kreis-paderborn", "untere-jagdbehoerde", "freizeit"),
    ];
    let n = total.saturating_sub(20);
    for i in 0..n {
        let (tenant, office, topic) = tenants[i % tenants.len()];
        let noun = NOUNS[i % NOUNS.len()];
        let verb = VERBS[(i / NOUNS.len()) % VERBS.len()];
        let id = format!("gen-{i:04}");
        let yaml = format!(
            "id: {id}\nversion: 1\noffice: {office}\n\
             title: {{ de: \"{noun} {verb} ({i})\", en: \"Generated service {i}\" }}\n\
             summary: {{ de: \"Sie möchten {noun} {verb}? Hier stellen Sie den Antrag online.\" }}\n\
             description:\n  de: >-\n    Generierte Leistung Nummer {i} für den Benchmark. Sie beschreibt, wie Sie {noun}\n    {verb} und welche Unterlagen Sie dafür brauchen.\n\
             eligibility: {{ de: Alle Einwohnerinnen und Einwohner. }}\n\
             documents:\n  - name: {{ de: Personalausweis }}\n\
             fees:\n  - {{ label: {{ de: Gebühr }}, amount_cents: {} }}\n\
             legal_basis:\n  - title: Satzung (Benchmark)\n\
             processing_time: {{ days: {} }}\nfully_online: {}\n\
             easy_language: {{ de: Das ist eine Test-Leistung. }}\n\
             topics: [{topic}]\nsynonyms: [Benchmark{i}]\n",
            (i % 50) * 100 + 500,
            i % 60 + 1,
            i % 2 == 0
        );
        std::fs::write(
            defs.join(tenant)
                .join("services")
                .join(format!("{id}.yaml")),
            yaml,
        )?;
    }
    Ok(n)
}

/// Free-slot computation for one month: an office open 07:00–19:00 on weekdays with ten
/// counters, 15-minute grid, a 20-minute visit, and about half of the capacity booked.
/// Returns (median ms, runs, bookings, free starts).
fn slot_computation() -> (f64, usize, usize, usize) {
    use rathaus_domain::appointment::{instant, Booked, CalendarDef};
    let def: CalendarDef = serde_json::from_value(serde_json::json!({
        "services": [{"id": "x", "name": {"de": "X"}, "minutes": 20}],
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00"}],
        "counters": 10, "slot_minutes": 15, "horizon_days": 366, "lead_hours": 0
    }))
    .unwrap_or_else(|e| panic!("benchmark calendar: {e}"));
    let cal = def.with(&[]);
    let first = jiff::civil::date(2027, 3, 1);
    let last = jiff::civil::date(2027, 3, 31);
    let now = instant(
        jiff::civil::date(2027, 2, 20),
        jiff::civil::time(12, 0, 0, 0),
    );
    // About a quarter of the starts taken on each counter (never overlapping), deterministic.
    let mut booked = Vec::new();
    let mut d = first;
    let mut n: u64 = 0;
    while d <= last {
        for (s, e) in cal.starts_on(d, 20) {
            for c in 1..=10u32 {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (n >> 33).is_multiple_of(4)
                    && !booked
                        .iter()
                        .any(|b: &Booked| b.counter == c && b.start_ms < e && s < b.end_ms)
                {
                    booked.push(Booked {
                        start_ms: s,
                        end_ms: e,
                        counter: c,
                    });
                }
            }
        }
        d = match d.tomorrow() {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..200 {
        let t = Instant::now();
        found = cal.free_slots(20, first, last, now, &booked).len();
        times.push(t.elapsed());
    }
    (
        median(&mut times).as_secs_f64() * 1000.0,
        times.len(),
        booked.len(),
        found,
    )
}

/// Bookings per second over HTTP: `CLIENTS` citizens book `n` appointments at once, each a
/// different time or counter of the round-the-clock test office.
async fn bookings(addr: &str, n: usize) -> Result<(f64, usize)> {
    // The free times of the whole horizon (seven days), from each day's list.
    let mut starts: Vec<String> = Vec::new();
    let today = jiff::Zoned::now()
        .with_time_zone(rathaus_domain::appointment::berlin().clone())
        .date();
    for i in 0..7 {
        let day = today.saturating_add(jiff::Span::new().days(i));
        let (status, _, p) = request(
            addr,
            "GET",
            &format!("/t1/termine/buero?leistung=ausweis&tag={day}"),
            None,
            None,
        )
        .await?;
        if status != 200 {
            bail!("office page of {day}: HTTP {status}");
        }
        let day_part = p.split("id=\"tag\"").nth(1).unwrap_or("");
        for s in day_part.split("beginn=").skip(1) {
            let v: String = s.chars().take_while(char::is_ascii_digit).collect();
            if !v.is_empty() && !starts.contains(&v) {
                starts.push(v);
            }
        }
    }
    let (cookie, csrf) = csrf_of(
        addr,
        &format!(
            "/t1/termine/buero/buchen?leistung=ausweis&beginn={}",
            starts.first().context("no free time")?
        ),
    )
    .await?;
    // Each start has ten counters.
    let jobs: Vec<(usize, String)> = (0..n)
        .map(|i| (i, starts[(i / 10) % starts.len()].clone()))
        .collect();
    let chunks: Vec<Vec<(usize, String)>> = jobs
        .chunks(n.div_ceil(CLIENTS))
        .map(<[_]>::to_vec)
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let (addr, cookie, csrf) = (addr.to_owned(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            for (i, start) in &chunk {
                let form = format!("_csrf={csrf}&leistung=ausweis&beginn={start}&name=Bench+{i}&email=bench{i}%40example.org&einwilligung=ja");
                let (status, _, _) = request(&addr, "POST", "/t1/termine/buero/buchen", Some(&cookie), Some(form)).await?;
                if status == 303 {
                    ok += 1;
                }
            }
            Ok::<_, anyhow::Error>(ok)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok((total as f64 / started.elapsed().as_secs_f64(), total))
}
