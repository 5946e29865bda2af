//! The first ingestion of the roots, reported to the client as WorkDone
//! progress (`$/progress`).

use tower_lsp_server::{Client, ls_types::NumberOrString};

/// Reports the first ingestion as WorkDone progress. Runs beside the load,
/// which never waits for the client's answers.
pub(super) async fn report_progress(
    client: Client,
    token: String,
    mut reports: tokio::sync::watch::Receiver<(usize, usize)>,
) {
    let token = NumberOrString::String(token);
    if client.create_work_done_progress(token.clone()).await.is_err() {
        return;
    }
    let progress = client.progress(token, "Dossier: ingesting").with_percentage(0).begin().await;
    while reports.changed().await.is_ok() {
        let (done, total) = *reports.borrow_and_update();
        let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
        // Once every file is read, what is left is the index of the whole.
        let message =
            if done < total { format!("{done}/{total} files read") } else { format!("{total} files read, indexing") };
        progress.report_with_message(message, percentage).await;
    }
    progress.finish().await;
}
