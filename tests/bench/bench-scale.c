/* bench-scale.c: 100,000 items: search, the lazy list, saves, import and export, in figures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-scale"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fb-item-list.h"
#include "fb-store.h"
#include "fb-store-private.h"
#include "fb-test-dir.h"

/* Prints figures and ratios, never asserts a time. The store is built here
 * from a fixed seed: field notes of about 1 KB whose words follow a Zipf
 * curve over 4,000 made-up words, plus words every search kind needs —
 * "the" in every note, "river" in about half, "kingfisher" in one in a
 * thousand, "Käsehändler" (found as "kase") in one in fifty. */

#define SCREENFUL 30
#define ROUNDS    9

static const char *const syllables[] = {
  "ba", "ko", "ri", "mu", "te", "sa", "lo", "ven", "dar", "mi", "nu", "pel",
  "qua", "ros", "ti", "wen", "ga", "hu", "fle", "zor",
};

static GPtrArray *
make_vocabulary (GRand *rand)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 4000; i++)
    {
      GString *word = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 2, 5);

      for (guint j = 0; j < n; j++)
        g_string_append (word, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
      g_ptr_array_add (words, g_string_free (word, FALSE));
    }
  return words;
}

/* A word of rank r with a probability about 1/r. */
static const char *
zipf_word (GPtrArray *words,
           GRand     *rand)
{
  guint rank = (guint) exp (g_rand_double (rand) * log (words->len));

  return words->pdata[MIN (rank, words->len) - 1];
}

static JsonObject *
make_note (GPtrArray *words,
           GRand     *rand,
           guint      i)
{
  g_autoptr(GString) text = g_string_new ("the ");
  g_autofree char *title = NULL;

  if (g_rand_int_range (rand, 0, 2) == 0)
    g_string_append (text, "river ");
  if (i % 1000 == 7)
    g_string_append (text, "kingfisher ");
  if (i % 50 == 3)
    g_string_append (text, "Käsehändler ");
  while (text->len < 1000)
    {
      g_string_append (text, zipf_word (words, rand));
      g_string_append_c (text, g_rand_int_range (rand, 0, 12) == 0 ? '\n' : ' ');
    }
  title = g_strdup_printf ("%s %s %s", (char *) zipf_word (words, rand),
                           (char *) zipf_word (words, rand), (char *) zipf_word (words, rand));
  return fb_note_body_new (title, text->str);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

/* kB from /proc/self/status ("VmRSS", "VmHWM"). */
static guint
proc_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, key);
  return line != NULL ? (guint) atoi (line + strlen (key) + 1) : 0;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
build_store (FbStore *store,
             guint    n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  g_autoptr(GPtrArray) words = make_vocabulary (rand);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) body = make_note (words, rand, i);
      g_autoptr(FbItem) item = NULL;

      if (i % 1000 == 0)
        fb_store_begin (store, NULL);
      item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
      g_assert_no_error (error);
      if (i % 1000 == 999 || i == n - 1)
        {
          fb_store_commit (store, &error);
          g_assert_no_error (error);
        }
    }
  g_print ("store: %u notes of about 1 KB built in %.1f s (transactions of 1,000)\n",
           n, ms_since (start) / 1000);
}

/* This process's user + system CPU time so far, in seconds. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double merge_all (FbStore *store, guint *steps, double *longest);
static guint index_segments (FbStore *store);

/* Commits of one 1 KB row per second that SQLite alone makes in a file
 * beside the store, journalled as the store is (WAL) and synced to the
 * disk as the store's are (@synced: synchronous=FULL) or not (OFF): no
 * save can be faster than the disk's synced commits. */
static double
raw_commits_per_second (const char *dir,
                        gboolean    synced)
{
  g_autofree char *path = g_build_filename (dir, "raw-commits.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *row = g_strnfill (1000, 'x');
  const guint n = 2000;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start;
  double ms;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, synced ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                            : "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO t VALUES (?1)", -1, &stmt, NULL), ==, SQLITE_OK);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      /* Outside BEGIN, each statement is its own transaction. */
      sqlite3_bind_text (stmt, 1, row, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  ms = ms_since (start);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  return n / (ms / 1000);
}

/* Single-transaction saves of a 1 KB note, one after another (no idle
 * time between them: the index merges they leave are timed after). */
static void
bench_saves (FbStore *store)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GPtrArray) words = make_vocabulary (rand);
  g_autoptr(GPtrArray) items = fb_store_search_first (store, FB_COLLECTION_NOTES, "kingfisher", 1, NULL);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const guint n = 2000;
  gint64 start;
  double ms, cpu;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (bodies, make_note (words, rand, i + 1));

  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      fb_store_update_item (store, fb_item_get_id (items->pdata[0]), bodies->pdata[i], &error);
      g_assert_no_error (error);
    }
  ms = ms_since (start);
  cpu = cpu_seconds () - cpu;
  /* The CPU time (user + system) holds better than the wall time on a
   * machine shared with other builds. */
  g_print ("saves: %u single-transaction saves of a 1 KB note: %.0f saves/s "
           "(%.0f per second of this process's CPU)\n", n, n / (ms / 1000), n / cpu);
  {
    g_autofree char *dir = g_path_get_dirname (fb_store_get_path (store));
    double synced = raw_commits_per_second (dir, TRUE);
    double unsynced = raw_commits_per_second (dir, FALSE);

    g_print ("saves: this disk's ceiling, one-row SQLite commits beside the store: %.0f/s "
             "synced as the store's are (%.0f/s without syncing); the saves make %.2f of it\n",
             synced, unsynced, (n / (ms / 1000)) / synced);
  }
  if (g_getenv ("FB_BENCH_ONLY") == NULL)
    {
      guint steps;
      double longest;
      guint segments = index_segments (store);
      double merge_ms = merge_all (store, &steps, &longest);

      g_print ("saves: they left %u index segments; the merges left for idle time take "
               "%.0f ms (%u steps, the longest %.1f ms): %.0f saves/s counting them\n",
               segments, merge_ms, steps, longest, n / ((ms + merge_ms) / 1000));
    }
}

/* The full-text index's segments (FTS5 numbers its pages by segment, the
 * id above bit 37 of the row id). */
static guint
index_segments (FbStore *store)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  sqlite3_prepare_v2 (_fb_store_get_db (store),
                      "SELECT count (DISTINCT id >> 37) FROM items_fts_data WHERE id >> 37 > 0",
                      -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* FTS5's usermerge: the segments a level needs before an idle merge step
 * touches it; 16 (crisismerge) keeps the segments as the commits left them. */
static void
set_usermerge (FbStore *store,
               int      n)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO items_fts (items_fts, rank) "
                                          "VALUES ('usermerge', %d)", n);

  g_assert_cmpint (sqlite3_exec (_fb_store_get_db (store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

/* The steps the store's idle callback takes (fb-store-index.c), one by one
 * until none is left: how long in all, how many, the longest. */
static double
merge_all (FbStore *store,
           guint   *steps,
           double  *longest)
{
  gint64 start = g_get_monotonic_time ();
  gboolean more = TRUE;

  *steps = 0;
  *longest = 0;
  while (more)
    {
      g_autoptr(GError) error = NULL;
      gint64 step_start = g_get_monotonic_time ();

      g_assert_true (_fb_store_index_merge_step (store, &more, &error));
      g_assert_no_error (error);
      *longest = MAX (*longest, ms_since (step_start));
      (*steps)++;
    }
  return ms_since (start);
}

static void
bench_search (FbStore *store)
{
  static const struct {
    const char *kind;
    const char *query;
  } queries[] = {
    { "a word in every note", "the" },
    { "a one-letter prefix", "r" },
    { "two words", "the river" },
    { "a rare word", "kingfisher" },
    { "a non-ASCII word", "käse" },
  };
  g_autoptr(FbItemList) list = fb_item_list_new (store, FB_COLLECTION_NOTES);

  g_print ("\nsearch at %u notes (median of %u; the first screenful is %u rows):\n",
           g_list_model_get_n_items (G_LIST_MODEL (list)), ROUNDS, SCREENFUL);
  fflush (stdout);
  g_print ("| query | first screenful | all results (while idle) | matches | bm25 top %u (before) | before / now |\n",
           SCREENFUL);
  g_print ("| --- | --- | --- | --- | --- | --- |\n");

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      double first[ROUNDS], all[ROUNDS];
      double bm25_ms;
      guint matches = 0;

      for (guint r = 0; r < ROUNDS; r++)
        {
          gint64 start;

          fb_item_list_set_search (list, "zzzz-nothing");
          drain ();
          start = g_get_monotonic_time ();
          fb_item_list_set_search (list, queries[q].query);
          for (guint i = 0; i < MIN (SCREENFUL, g_list_model_get_n_items (G_LIST_MODEL (list))); i++)
            {
              g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

              (void) fb_item_get_title (item);
            }
          first[r] = ms_since (start);
          drain ();
          all[r] = ms_since (start);
          matches = g_list_model_get_n_items (G_LIST_MODEL (list));
        }

      /* What the search did before: rank every match with bm25 (). */
      {
        g_autofree char *match = _fb_store_build_match_expression (queries[q].query);
        sqlite3_stmt *stmt = NULL;
        gint64 start = g_get_monotonic_time ();

        sqlite3_prepare_v2 (_fb_store_get_db (store),
                            "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 "
                            "ORDER BY bm25 (items_fts, 5.0, 1.0, 2.0) LIMIT ?2",
                            -1, &stmt, NULL);
        sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int (stmt, 2, SCREENFUL);
        while (sqlite3_step (stmt) == SQLITE_ROW)
          ;
        sqlite3_finalize (stmt);
        bm25_ms = ms_since (start);
      }

      /* printf: g_print () would turn the UTF-8 into "?" in the C locale. */
      printf ("| %s (\"%s\") | %.2f ms | %.0f ms | %u | %.0f ms | %.0fx |\n",
               queries[q].kind, queries[q].query, median (first, ROUNDS), median (all, ROUNDS),
               matches, bm25_ms, bm25_ms / median (first, ROUNDS));
    }
}

static void
bench_list (FbStore *store)
{
  g_autoptr(FbItemList) list = NULL;
  guint rss_before = proc_kb ("VmRSS:");
  gint64 start = g_get_monotonic_time ();
  double build_ms, scroll_ms;
  guint n;

  list = fb_item_list_new (store, FB_COLLECTION_NOTES);
  build_ms = ms_since (start);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  start = g_get_monotonic_time ();
  for (guint i = n / 2; i < n / 2 + 1000; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      (void) fb_item_get_title (item);
    }
  scroll_ms = ms_since (start);

  g_print ("\nlist: the unfiltered model of %u notes built in %.1f ms, %.1f MB more RSS; "
           "1,000 consecutive rows from the middle fetched in %.1f ms\n",
           n, build_ms, (proc_kb ("VmRSS:") - rss_before) / 1024.0, scroll_ms);
}

/* Runs the real program under /usr/bin/time: its seconds and peak RSS. */
static void
run_cli (const char *data_home,
         const char *option,
         const char *file,
         double     *seconds,
         guint      *peak_kb)
{
  const char *fieldbook = g_getenv ("FB_TEST_FIELDBOOK");
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", data_home, TRUE);
  const char *argv[] = { "/usr/bin/time", "-f", "peak %M", fieldbook, option, file, NULL };
  const char *peak;
  gint64 start = g_get_monotonic_time ();
  int status;

  g_assert_nonnull (fieldbook);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  *seconds = ms_since (start) / 1000;
  peak = strstr (err, "peak ");
  *peak_kb = peak != NULL ? atoi (peak + 5) : 0;
}

/* The window on @db under Broadway: the median of three starts, and the
 * RSS after scrolling and searching. */
static void
run_window (const char *db,
            double     *start_ms,
            guint      *rss_kb)
{
  const char *runner = g_getenv ("FB_BENCH_BROADWAY_RUN");
  const char *program = g_getenv ("FB_BENCH_SCALE_WINDOW");
  const char *argv[] = { runner, program, db, NULL };
  double starts[3];

  g_assert_nonnull (runner);
  g_assert_nonnull (program);
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      const char *line;
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                    NULL, &status, &error);
      g_assert_no_error (error);
      line = strstr (out, "start-ms ");
      starts[i] = line != NULL ? g_ascii_strtod (line + 9, NULL) : 0;
      line = strstr (out, "rss-kb ");
      *rss_kb = line != NULL ? (guint) atoi (line + 7) : 0;
    }
  *start_ms = median (starts, G_N_ELEMENTS (starts));
}

/* A screenful of notes and no more, to tell what the number of items
 * costs from what showing any of them costs: the list's first rows (GTK
 * 4.8's list view makes about 200 of them) and the newest note opened. */
#define SMALL_STORE 1000

static void
bench_window (const char *db,
              const char *dir)
{
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *small = g_build_filename (dir, "small.db", NULL);
  double empty_ms, small_ms, full_ms;
  guint empty_kb, small_kb, full_kb;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FbStore) store = fb_store_new (small, &error);

    g_assert_no_error (error);
    build_store (store, SMALL_STORE);
  }
  run_window (empty, &empty_ms, &empty_kb);
  run_window (small, &small_ms, &small_kb);
  run_window (db, &full_ms, &full_kb);
  g_print ("\nwindow (Broadway, median of 3): start on an empty store %.0f ms, on this one %.0f ms: "
           "%.2f times; RSS after scrolling and 3 searches %.0f MB (empty store: %.0f MB)\n",
           empty_ms, full_ms, full_ms / MAX (empty_ms, 1), full_kb / 1024.0, empty_kb / 1024.0);
  g_print ("window: start on %u notes %.0f ms (RSS %.0f MB); this one against it: %.2f times\n",
           SMALL_STORE, small_ms, small_kb / 1024.0, full_ms / MAX (small_ms, 1));
}

static void
bench_transfer (const char *data_home,
                const char *dir)
{
  g_autofree char *file = g_build_filename (dir, "export.json", NULL);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  GStatBuf st;
  double seconds;
  guint peak;

  run_cli (data_home, "--export", file, &seconds, &peak);
  g_stat (file, &st);
  g_print ("\nexport: %.0f MB in %.1f s, peak RSS %.1f MB\n", st.st_size / 1e6, seconds,
           peak / 1024.0);
  run_cli (other, "--import", file, &seconds, &peak);
  g_print ("import: into an empty store in %.1f s, peak RSS %.1f MB\n", seconds, peak / 1024.0);
  fb_test_remove_tree (other);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  g_autoptr(GFile) parent = g_file_get_parent (dest);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (g_file_peek_path (parent), 0700);
  g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* FB_BENCH_STORE=FILE keeps the built store there and starts from a copy
 * of it next time, so a profile (callgrind) of the saves need not build
 * 100,000 notes under valgrind. */
static void
open_or_build_store (FbStore    **store,
                     const char  *path,
                     guint        n)
{
  const char *kept = g_getenv ("FB_BENCH_STORE");
  g_autoptr(GError) error = NULL;

  if (kept != NULL && g_file_test (kept, G_FILE_TEST_EXISTS))
    {
      copy_file (kept, path);
      *store = fb_store_new (path, &error);
      g_assert_no_error (error);
      g_print ("store: a copy of %s\n", kept);
      return;
    }

  *store = fb_store_new (path, &error);
  g_assert_no_error (error);
  build_store (*store, n);
  if (kept != NULL)
    {
      /* Closing it checkpoints the write-ahead log into the file. */
      g_clear_object (store);
      copy_file (path, kept);
      *store = fb_store_new (path, &error);
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? atoi (argv[1]) : 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fb-bench-scale-XXXXXX", &error);
  g_autofree char *data_home = g_build_filename (dir, "home", NULL);
  g_autofree char *path = g_build_filename (data_home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(FbStore) store = NULL;

  g_assert_no_error (error);
  open_or_build_store (&store, path, n);
  /* FB_BENCH_ONLY=saves: the save loop alone, to profile it (callgrind). */
  if (g_strcmp0 (g_getenv ("FB_BENCH_ONLY"), "saves") == 0)
    {
      bench_saves (store);
      g_clear_object (&store);
      fb_test_remove_tree (dir);
      return 0;
    }
  bench_list (store);
  /* Searches as the commits left the index (no idle time yet), then once
   * the idle merges are done. */
  set_usermerge (store, 16);
  g_print ("\nindex: %u segments as the commits left it\n", index_segments (store));
  bench_search (store);
  set_usermerge (store, 4);
  {
    guint steps;
    double longest;
    double ms = merge_all (store, &steps, &longest);

    g_print ("\nindex: merged as when idle in %.1f s, %u steps of at most %.1f ms; "
             "%u segments now\n", ms / 1000, steps, longest, index_segments (store));
  }
  bench_search (store);
  bench_saves (store);
  g_print ("RSS of this process now: %.0f MB (peak %.0f MB, the store build included)\n",
           proc_kb ("VmRSS:") / 1024.0, proc_kb ("VmHWM:") / 1024.0);
  g_clear_object (&store);
  if (g_getenv ("FB_BENCH_BROADWAY_RUN") != NULL)
    bench_window (path, dir);
  bench_transfer (data_home, dir);

  fb_test_remove_tree (dir);
  return 0;
}
