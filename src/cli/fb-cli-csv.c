/* fb-cli-csv.c: templates and one template's records as CSV on the command line (--templates, --export-csv, --import-csv) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-record-csv.h"
#include "fb-template.h"

void
_fb_cli_add_csv_options (GApplication *app)
{
  g_application_add_main_option (app, "export-csv", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Write the records of a template to a CSV file (“-” for standard output) and quit"),
                                 _("TEMPLATE FILE"));
  g_application_add_main_option (app, "import-csv", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Read records of a template from a CSV file with a header row and quit"),
                                 _("TEMPLATE FILE"));
  g_application_add_main_option (app, "templates", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Print the ID, name and number of records of each template, by name, and quit"),
                                 NULL);
}

gboolean
_fb_cli_has_csv_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "export-csv") ||
         g_variant_dict_contains (options, "import-csv") ||
         g_variant_dict_contains (options, "templates");
}

/* The one FILE after the option, or NULL (and a message). */
static const char *
file_argument (GVariantDict  *options,
               const char    *option,
               const char  ***rest)
{
  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", rest) ||
      (*rest)[0] == NULL || (*rest)[1] != NULL)
    {
      /* TRANSLATORS: %s is --export-csv or --import-csv; keep TEMPLATE FILE */
      g_printerr (_("%s needs a template name and a file: %s TEMPLATE FILE\n"), option, option);
      return NULL;
    }

  return (*rest)[0];
}

static int
run_export_csv (FbStore      *store,
                const char   *name,
                GVariantDict *options)
{
  g_autofree const char **rest = NULL;
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  const char *path = file_argument (options, "--export-csv", &rest);
  guint n = 0;

  if (path == NULL)
    return FB_CLI_EXIT_FAILED;

  template = fb_store_find_template (store, name, &error);
  if (template != NULL)
    csv = fb_record_csv_export (store, template, &n, &error);
  if (csv == NULL)
    {
      g_printerr (_("Could not export: %s\n"), error->message);
      return FB_CLI_EXIT_FAILED;
    }

  if (g_strcmp0 (path, "-") == 0)
    {
      fputs (csv, stdout);
      fflush (stdout);
    }
  else if (!g_file_set_contents (path, csv, -1, &error))
    {
      g_printerr (_("Could not export: %s\n"), error->message);
      return FB_CLI_EXIT_FAILED;
    }
  else
    g_print (ngettext ("Exported %u record\n", "Exported %u records\n", n), n);

  return FB_CLI_EXIT_OK;
}

static int
run_import_csv (FbStore      *store,
                const char   *name,
                GVariantDict *options)
{
  g_autofree const char **rest = NULL;
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  const char *path = file_argument (options, "--import-csv", &rest);
  FbRecordCsvImport result = { 0, };
  gsize length;

  if (path == NULL)
    return FB_CLI_EXIT_FAILED;
  display = g_filename_display_name (path);

  if (fb_store_get_read_only (store))
    {
      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"),
                  display, fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  template = fb_store_find_template (store, name, &error);
  if (template == NULL || !g_file_get_contents (path, &contents, &length, &error) ||
      !fb_record_csv_import (store, template, contents, length, &result, &error))
    {
      /* Translators: the first %s is a file name, the second says why */
      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"), display, error->message);
      return FB_CLI_EXIT_FAILED;
    }

  g_print (ngettext ("Imported %u record\n", "Imported %u records\n", result.n_records),
           result.n_records);
  if (result.n_misfits > 0)
    g_print (ngettext ("%u value did not fit its field and was kept as text: "
                       "the records show it as a problem\n",
                       "%u values did not fit their fields and were kept as text: "
                       "the records show them as problems\n", result.n_misfits),
             result.n_misfits);
  if (result.n_unattached > 0)
    g_print (ngettext ("%u file name is not attached to its record: kept, "
                       "the record shows it as a problem\n",
                       "%u file names are not attached to their records: kept, "
                       "the records show them as problems\n", result.n_unattached),
             result.n_unattached);

  return FB_CLI_EXIT_OK;
}

/* One line per template: its ID, a tab, its name (what --export-csv and
 * --import-csv take), a tab, how many live records were made from it. The
 * records are read once for all the templates. */
static int
run_templates (FbStore *store)
{
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  templates = fb_store_list_templates (store, &error);
  if (templates != NULL)
    records = fb_store_list_items (store, FB_COLLECTION_RECORDS, &error);
  if (records == NULL)
    {
      g_printerr (_("Could not list the templates: %s\n"), error->message);
      return 1;
    }

  /* Template id (the records' own strings) → count. */
  for (guint i = 0; i < records->len; i++)
    {
      const char *template_id = fb_record_body_get_template_id (fb_item_get_body (records->pdata[i]));

      if (template_id != NULL)
        g_hash_table_insert (counts, (gpointer) template_id,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, template_id)) + 1));
    }

  for (guint i = 0; i < templates->len; i++)
    {
      FbItem *template = templates->pdata[i];
      /* Another client's template may have no name: an empty column. */
      g_autofree char *name = _fb_cli_dup_column (fb_item_get_title (template) != NULL
                                                  ? fb_item_get_title (template) : "");

      g_print ("%s\t%s\t%u\n", fb_item_get_id (template), name,
               GPOINTER_TO_UINT (g_hash_table_lookup (counts, fb_item_get_id (template))));
    }

  return FB_CLI_EXIT_OK;
}

int
_fb_cli_run_csv_command (FbStore      *store,
                         GVariantDict *options)
{
  const char *name = NULL;

  if (g_variant_dict_lookup (options, "export-csv", "&s", &name))
    return run_export_csv (store, name, options);
  if (g_variant_dict_lookup (options, "import-csv", "&s", &name))
    return run_import_csv (store, name, options);
  if (g_variant_dict_contains (options, "templates"))
    return run_templates (store);

  return -1;
}
