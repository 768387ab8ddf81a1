/* fb-sync-words.h: sync states and errors in words, for the window and the command line */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "fb-sync-manager.h"

G_BEGIN_DECLS

/* A sync error as a sentence a person understands (FB_SYNC_ERROR codes get
 * their own; other errors their message); "" for NULL. Never NULL. */
char       *fb_sync_words_error           (const GError  *error);
/* The same as a clause after "Could not sync: ", for the command line. */
char       *fb_sync_words_error_reason    (const GError  *error);
/* The server could not be reached, or did not answer in time. */
gboolean    fb_sync_words_is_unreachable  (const GError  *error);

/* The first line of the header bar's status: what its icon means.
 * @enabled: sync is turned on; @error: the last run's, nullable. */
const char *fb_sync_words_state           (FbSyncState    state,
                                           gboolean       enabled,
                                           const GError  *error,
                                           guint          pending,
                                           guint          conflicts);

/* "Synced 2 minutes ago", "Synced today at 10:42", … relative to @now;
 * "Never synced" when @last_synced is NULL. */
char       *fb_sync_words_last_synced     (GDateTime     *last_synced,
                                           GDateTime     *now);
/* "Last synced at 10:42": when the last run succeeded, for states in
 * which sync is not working now. */
char       *fb_sync_words_last_success    (GDateTime     *last_synced,
                                           GDateTime     *now);
/* "Trying again at 10:42" (@next_retry: real time, µs). */
char       *fb_sync_words_retry_at        (gint64         next_retry);
/* "Can’t reach the server. Trying again in 5 seconds.": a countdown from
 * now (@next_retry ≤ 0: no time). */
char       *fb_sync_words_unreachable     (gint64         next_retry);
/* @error's sentence and, with @next_retry > 0, when the next try is. */
char       *fb_sync_words_failure         (const GError  *error,
                                           gint64         next_retry);
/* The window's banner while a failed run waits to be tried again. */
char       *fb_sync_words_retrying        (const GError  *error,
                                           gint64         next_retry);
/* The window's banner when sync waits for the person. */
char       *fb_sync_words_needs_attention (const GError  *error);

/* The header bar's short label, always visible beside the icon: "Offline",
 * "Synced at 19:27", "Can’t reach the server, retrying in 7 s", "Syncing…",
 * "Set up sync". Counts are left to the badges. @last_synced: nullable;
 * @next_retry and @now: real time, µs (@next_retry ≤ 0: no time known). */
char       *fb_sync_words_summary         (FbSyncState    state,
                                           gboolean       enabled,
                                           const GError  *error,
                                           GDateTime     *last_synced,
                                           gint64         next_retry,
                                           gint64         now);
/* "2 changes waiting to be sent", "1 item in conflict, …", one a line;
 * "" when both are zero. */
char       *fb_sync_words_counts          (guint          pending,
                                           guint          conflicts);

G_END_DECLS
