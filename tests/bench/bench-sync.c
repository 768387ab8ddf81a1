/* bench-sync.c: sync throughput against PouchDB Server: Fieldbook, PouchDB and the raw HTTP floors */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>

#include "fb-crypto.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-server.h"

#define FLOOR_BATCH 1000

static FbTestServer *server;
static SoupSession *session;
static char *tmp_dir;
static guint n_docs = 10000;

static double
now_s (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

/* ~1 KB, the same shape as makeDoc () in pouchdb-replicate.js. */
static JsonObject *
make_body (guint i)
{
  g_autofree char *title = g_strdup_printf ("Benchmark note %u", i);
  g_autofree char *line = g_strdup_printf ("Line of note %u: the quick brown fox jumps over the lazy dog.\n", i);
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *body = json_object_new ();
  JsonArray *tags = json_array_new ();

  while (text->len < 900)
    g_string_append (text, line);
  g_string_truncate (text, 900);

  json_array_add_string_element (tags, "bench");
  json_object_set_string_member (body, "title", title);
  json_object_set_string_member (body, "text", text->str);
  json_object_set_array_member (body, "tags", tags);
  return body;
}

static char *
doc_id (guint i)
{
  return g_strdup_printf ("bench-%06u", i);
}

static JsonNode *
make_doc (guint i)
{
  JsonObject *doc = make_body (i);
  g_autofree char *id = doc_id (i);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "type", "notes");
  json_object_set_int_member (doc, "updated_at", G_GINT64_CONSTANT (1700000000000) + i);
  json_node_take_object (node, doc);
  return node;
}

static GBytes *
http (const char *method,
      const char *path,
      GBytes     *body,
      guint       expected)
{
  g_autofree char *uri = g_strconcat (fb_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  GBytes *reply;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  if (reply == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  if (soup_message_get_status (msg) != expected)
    g_error ("%s %s: HTTP %u", method, path, soup_message_get_status (msg));
  return reply;
}

static void
create_db (const char *db)
{
  g_autoptr(GBytes) reply = http ("PUT", db, NULL, SOUP_STATUS_CREATED);
}

/* ---- Floors ---- */

static double
floor_push (const char *db)
{
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *path = g_strconcat (db, "/_bulk_docs", NULL);
  double start;

  /* Serialised beforehand: the floor is the HTTP and the server only. */
  for (guint first = 0; first < n_docs; first += FLOOR_BATCH)
    {
      g_autoptr(JsonArray) docs = json_array_new ();
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      char *text;

      for (guint i = first; i < MIN (first + FLOOR_BATCH, n_docs); i++)
        json_array_add_element (docs, make_doc (i));
      json_object_set_array_member (object, "docs", json_array_ref (docs));
      json_node_set_object (root, object);
      text = json_to_string (root, FALSE);
      g_ptr_array_add (batches, g_bytes_new_take (text, strlen (text)));
    }

  create_db (db);
  start = now_s ();
  for (guint i = 0; i < batches->len; i++)
    g_bytes_unref (http ("POST", path, batches->pdata[i], SOUP_STATUS_CREATED));
  return now_s () - start;
}

static double
floor_pull (const char *db,
            gsize      *size)
{
  g_autofree char *path = g_strconcat (db, "/_changes?include_docs=true", NULL);
  g_autoptr(GBytes) reply = NULL;
  double start = now_s ();

  reply = http ("GET", path, NULL, SOUP_STATUS_OK);
  *size = g_bytes_get_size (reply);
  return now_s () - start;
}

/* ---- Fieldbook ---- */

typedef struct {
  GAsyncResult *result;
  double        pushed_at;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Wait *) user_data)->result = g_object_ref (result);
}

static void
pending_cb (FbStore    *store,
            GParamSpec *pspec,
            Wait       *wait)
{
  if (fb_store_get_pending_count (store) == 0 && wait->pushed_at == 0)
    wait->pushed_at = now_s ();
}

/* FB_BENCH_ENCRYPT=1: Fieldbook's runs also once more end-to-end
 * encrypted, and the cost is printed as a ratio. */
static const char *passphrase;

static FbStore *
new_store (const char *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

/* One run; returns its time, *push_time the time until nothing was pending. */
static double
fieldbook_run (FbStore     *store,
               const char  *db,
               FbSyncStats *stats_out,
               double      *push_time)
{
  g_autoptr(FbSyncManager) manager = fb_sync_manager_new (store, NULL);
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL, 0 };
  gulong handler;
  double start;
  double elapsed;

  fb_sync_manager_set_passphrase (manager, passphrase);
  /* FB_BENCH_PULL_BATCH: another batch size than the app's, to compare. */
  if (g_getenv ("FB_BENCH_PULL_BATCH") != NULL)
    fb_sync_manager_set_tuning (manager, 0, 0, 0, 0, (guint) atoi (g_getenv ("FB_BENCH_PULL_BATCH")));
  fb_sync_manager_set_remote (manager, fb_test_server_get_url (server), db, NULL, NULL);
  handler = g_signal_connect (store, "notify::pending-count", G_CALLBACK (pending_cb), &wait);

  start = now_s ();
  fb_sync_manager_sync_async (manager, NULL, done_cb, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  elapsed = now_s () - start;

  g_signal_handler_disconnect (store, handler);
  stats = fb_sync_manager_sync_finish (manager, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  *stats_out = *stats;
  if (push_time != NULL)
    *push_time = wait.pushed_at > 0 ? wait.pushed_at - start : elapsed;
  return elapsed;
}

/* CPU seconds of the calling thread (@who RUSAGE_THREAD) or process. */
static double
cpu_s (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double) G_USEC_PER_SEC;
}

/* Of the best pull: what the main thread and the whole process (the
 * parsing threads too) spent, to tell waiting from working. */
static double best_pull_main_cpu, best_pull_cpu, best_pull_time = G_MAXDOUBLE;

/* The largest peak resident memory a pull added, and the resident
 * memory before that pull, in kB; -1 where the peak cannot be reset. */
static long pull_peak_added_kb, pull_rss_before_kb;

/* @field ("VmRSS:" or "VmHWM:") of /proc/self/status, in kB; -1 when
 * it cannot be read. */
static long
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return -1;
  return atol (line + strlen (field));
}

/* Writing "5" to clear_refs resets VmHWM to the current VmRSS; a locked
 * down container may not allow it. */
static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean reset;

  /* Not g_file_set_contents (): it writes a new file and renames it. */
  if (file == NULL)
    return FALSE;
  reset = fputs ("5", file) != EOF;
  return fclose (file) == 0 && reset;
}

static double
fieldbook_pull (const char *db,
                guint       round)
{
  g_autofree char *name = g_strdup_printf ("pull-%s%u.db", passphrase != NULL ? "e" : "", round);
  g_autoptr(FbStore) store = new_store (name);
  FbSyncStats stats;
  long rss_before, peak;
  gboolean peak_known;
  double main_cpu, cpu, elapsed;

  /* Give back what the floor's fetch freed: otherwise the pull reuses
   * memory already counted as resident, and its peak hides in it. */
  malloc_trim (0);
  peak_known = reset_peak_rss ();
  rss_before = status_kb ("VmRSS:");
  main_cpu = cpu_s (RUSAGE_THREAD);
  cpu = cpu_s (RUSAGE_SELF);
  elapsed = fieldbook_run (store, db, &stats, NULL);
  peak = status_kb ("VmHWM:");
  if (!peak_known || peak < 0 || rss_before < 0)
    {
      g_print ("pull: peak RSS not known (/proc/self/clear_refs or status cannot be used here)\n");
      pull_peak_added_kb = -1;
    }
  else
    {
      g_print ("pull: peak RSS %ld MB, %ld MB above the %ld MB before it\n",
               peak / 1024, (peak - rss_before) / 1024, rss_before / 1024);
      if (passphrase == NULL && pull_peak_added_kb >= 0 && peak - rss_before > pull_peak_added_kb)
        {
          pull_peak_added_kb = peak - rss_before;
          pull_rss_before_kb = rss_before;
        }
    }

  if (passphrase == NULL && elapsed < best_pull_time)
    {
      best_pull_time = elapsed;
      best_pull_main_cpu = cpu_s (RUSAGE_THREAD) - main_cpu;
      best_pull_cpu = cpu_s (RUSAGE_SELF) - cpu;
    }

  if (stats.pulled != n_docs)
    g_error ("Fieldbook pulled %u documents, expected %u", stats.pulled, n_docs);
  return elapsed;
}

static double
fieldbook_push (const char *db,
                guint       round,
                double     *push_time)
{
  g_autofree char *name = g_strdup_printf ("push-%s%u.db", passphrase != NULL ? "e" : "", round);
  g_autoptr(FbStore) store = new_store (name);
  g_autoptr(GError) error = NULL;
  FbSyncStats stats;
  double elapsed;

  fb_store_begin (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_docs; i++)
    {
      g_autofree char *id = doc_id (i);
      g_autoptr(JsonObject) body = make_body (i);
      g_autoptr(FbItem) item = fb_store_put_item (store, id, FB_COLLECTION_NOTES, body, &error);

      g_assert_no_error (error);
    }
  fb_store_commit (store, &error);
  g_assert_no_error (error);

  create_db (db);
  elapsed = fieldbook_run (store, db, &stats, push_time);
  if (stats.pushed != n_docs)
    g_error ("Fieldbook pushed %u documents, expected %u", stats.pushed, n_docs);
  return elapsed;
}

/* ---- PouchDB ---- */

static gboolean
pouchdb_replicate (const char *pull_db,
                   const char *push_db,
                   double     *pull,
                   double     *push)
{
  g_autofree char *n = g_strdup_printf ("%u", n_docs);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  int status = 0;
  const char *argv[] = { "node", BENCH_SCRIPT, fb_test_server_get_url (server),
                         pull_db, push_db, n, NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("PouchDB replication failed: %s\n%s", error->message, err != NULL ? err : "");
      return FALSE;
    }

  root = json_from_string (out, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_printerr ("PouchDB replication printed no result: %s\n", out);
      return FALSE;
    }
  *pull = json_object_get_double_member (json_node_get_object (root), "pull");
  *push = json_object_get_double_member (json_node_get_object (root), "push");
  return TRUE;
}

/* ---- Report ---- */

static void
report (const char *what,
        double      fieldbook,
        double      pouchdb,
        double      floor)
{
  g_print ("%-5s  Fieldbook %6.3f s (%6.0f docs/s)   PouchDB %6.3f s (%6.0f docs/s)   "
           "floor %6.3f s (%6.0f docs/s)   Fieldbook/PouchDB %.2f   Fieldbook/floor %.2f\n",
           what,
           fieldbook, n_docs / fieldbook,
           pouchdb, pouchdb > 0 ? n_docs / pouchdb : 0,
           floor, n_docs / floor,
           pouchdb > 0 ? fieldbook / pouchdb : 0,
           fieldbook / floor);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *repeat_env = g_getenv ("FB_BENCH_REPEAT");
  /* For profiling the pull alone (e.g. under callgrind). */
  gboolean pull_only = g_strcmp0 (g_getenv ("FB_BENCH_ONLY"), "pull") == 0;
  guint repeat = repeat_env != NULL ? (guint) atoi (repeat_env) : 3;
  double best_floor_push = G_MAXDOUBLE, best_floor_pull = G_MAXDOUBLE;
  double best_fb_pull = G_MAXDOUBLE, best_fb_push = G_MAXDOUBLE, best_fb_push_only = G_MAXDOUBLE;
  double pdb_pull = 0, pdb_push = 0;
  gsize changes_size = 0;

  if (argc > 1)
    n_docs = (guint) atoi (argv[1]);
  if (n_docs == 0 || repeat == 0)
    {
      g_printerr ("Usage: %s [N_DOCUMENTS]  (FB_BENCH_REPEAT=rounds)\n", argv[0]);
      return 2;
    }

  tmp_dir = g_dir_make_tmp ("fb-bench-XXXXXX", &error);
  g_assert_no_error (error);
  server = fb_test_server_start (NULL, NULL, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("timeout", 300, NULL);

  g_print ("PouchDB Server at %s, %u documents of ~1 KB, best of %u rounds\n",
           fb_test_server_get_url (server), n_docs, repeat);

  /* Warm the server up (its JIT and allocator) before measuring. */
  {
    guint saved = n_docs;

    n_docs = MIN (n_docs, 2000);
    floor_push ("warmup");
    floor_pull ("warmup", &changes_size);
    n_docs = saved;
  }

  for (guint round = 0; round < repeat; round++)
    {
      g_autofree char *floor_db = g_strdup_printf ("floor-%u", round);
      g_autofree char *push_db = g_strdup_printf ("fieldbook-push-%u", round);
      double f_push, f_pull, fb_pull, fb_push, push_only = 0;

      f_push = floor_push (floor_db);
      f_pull = floor_pull (floor_db, &changes_size);
      fb_pull = fieldbook_pull (floor_db, round);
      fb_push = pull_only ? f_push : fieldbook_push (push_db, round, &push_only);
      best_floor_push = MIN (best_floor_push, f_push);
      best_floor_pull = MIN (best_floor_pull, f_pull);
      best_fb_pull = MIN (best_fb_pull, fb_pull);
      best_fb_push = MIN (best_fb_push, fb_push);
      best_fb_push_only = MIN (best_fb_push_only, push_only);
      g_print ("round %u: floor push %.3f s, floor pull %.3f s, Fieldbook pull %.3f s, "
               "Fieldbook push run %.3f s (push phase %.3f s)\n",
               round + 1, f_push, f_pull, fb_pull, fb_push, push_only);
    }

  if (pull_only || !pouchdb_replicate ("floor-0", "pouchdb-push", &pdb_pull, &pdb_push))
    pdb_pull = pdb_push = 0;

  g_print ("\n_changes with docs: %.1f MB\n", changes_size / 1e6);
  report ("pull", best_fb_pull, pdb_pull, best_floor_pull);
  report ("push", best_fb_push, pdb_push, best_floor_push);
  g_print ("the best pull's CPU: main thread %.3f s, the whole process %.3f s (of %.3f s)\n",
           best_pull_main_cpu, best_pull_cpu, best_fb_pull);
  if (pull_peak_added_kb >= 0)
    g_print ("the pull's memory: at most %ld MB above the %ld MB resident before it\n",
             pull_peak_added_kb / 1024, pull_rss_before_kb / 1024);
  else
    g_print ("the pull's memory: not known here\n");
  g_print ("push phase alone (until nothing pending, before the run's pull of its own echoes): "
           "%.3f s, %.2fx floor\n", best_fb_push_only, best_fb_push_only / best_floor_push);

  /* The same push and pull, end-to-end encrypted: the pull reads what the
   * encrypted push wrote. Argon2id (moderate) runs once per run. */
  if (g_strcmp0 (g_getenv ("FB_BENCH_ENCRYPT"), "1") == 0 && !pull_only)
    {
      double best_enc_push = G_MAXDOUBLE, best_enc_pull = G_MAXDOUBLE;

      const char *passphrase_for_kdf = "benchmark passphrase";

      passphrase = passphrase_for_kdf;
      for (guint round = 0; round < repeat; round++)
        {
          g_autofree char *db = g_strdup_printf ("fieldbook-encrypted-%u", round);
          double push_only = 0;
          double enc_push = fieldbook_push (db, round, &push_only);
          double enc_pull = fieldbook_pull (db, round);

          best_enc_push = MIN (best_enc_push, enc_push);
          best_enc_pull = MIN (best_enc_pull, enc_pull);
          g_print ("encrypted round %u: Fieldbook push run %.3f s, pull %.3f s\n",
                   round + 1, enc_push, enc_pull);
        }
      passphrase = NULL;
      g_print ("encrypted: push %.3f s (%.2fx unencrypted, %.2fx floor), "
               "pull %.3f s (%.2fx unencrypted, %.2fx floor)\n",
               best_enc_push, best_enc_push / best_fb_push, best_enc_push / best_floor_push,
               best_enc_pull, best_enc_pull / best_fb_pull, best_enc_pull / best_floor_pull);

      /* Each of those runs derives the key once (Argon2id, moderate):
       * a fixed cost per run, not per document. */
      {
        g_autoptr(FbDataKey) key = fb_data_key_new_random ();
        g_autoptr(JsonObject) wrapped = NULL;
        double start = now_s ();
        double kdf;

        wrapped = fb_data_key_wrap (key, passphrase_for_kdf, &error);
        g_assert_no_error (error);
        kdf = now_s () - start;
        g_print ("key derivation %.3f s per run; without it: push %.2fx unencrypted, "
                 "pull %.2fx unencrypted\n",
                 kdf, (best_enc_push - kdf) / best_fb_push, (best_enc_pull - kdf) / best_fb_pull);
      }
    }

  g_object_unref (session);
  fb_test_server_free (server);
  fb_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return 0;
}
