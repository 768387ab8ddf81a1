/* fb-json-reader.c: the text of one JSON value at a time from a stream */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-json-reader"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-json-reader.h"

#define BUFFER_SIZE (64 * 1024)

struct _FbJsonReader
{
  GInputStream *in;
  char         *buffer;
  gsize         pos;
  gsize         len;
  gboolean      eof;
  guint         line;
};

FbJsonReader *
fb_json_reader_new (GInputStream *in)
{
  FbJsonReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (in), NULL);

  self = g_new0 (FbJsonReader, 1);
  self->in = g_object_ref (in);
  self->buffer = g_malloc (BUFFER_SIZE);
  self->line = 1;

  return self;
}

void
fb_json_reader_free (FbJsonReader *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->in);
  g_free (self->buffer);
  g_free (self);
}

/* Makes sure a character is buffered unless the stream has ended. */
static gboolean
fill (FbJsonReader  *self,
      GCancellable  *cancellable,
      GError       **error)
{
  gssize n;

  if (self->pos < self->len || self->eof)
    return TRUE;

  n = g_input_stream_read (self->in, self->buffer, BUFFER_SIZE, cancellable, error);
  if (n < 0)
    return FALSE;

  self->pos = 0;
  self->len = n;
  self->eof = n == 0;
  return TRUE;
}

static void
set_unexpected (FbJsonReader  *self,
                GError       **error)
{
  if (self->pos >= self->len)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("the text ends in the middle"));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* Translators: %u is a line number */
                 _("unexpected text on line %u"), self->line);
}

static gboolean
skip_space (FbJsonReader  *self,
            GCancellable  *cancellable,
            GError       **error)
{
  for (;;)
    {
      char c;

      if (!fill (self, cancellable, error))
        return FALSE;
      if (self->pos >= self->len)
        return TRUE;

      c = self->buffer[self->pos];
      if (c == '\n')
        self->line++;
      else if (c != ' ' && c != '\t' && c != '\r')
        return TRUE;
      self->pos++;
    }
}

gboolean
fb_json_reader_peek (FbJsonReader  *self,
                     int           *c,
                     GCancellable  *cancellable,
                     GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  *c = self->pos < self->len ? (guchar) self->buffer[self->pos] : -1;
  return TRUE;
}

gboolean
fb_json_reader_expect (FbJsonReader  *self,
                       char           c,
                       GCancellable  *cancellable,
                       GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  if (self->pos >= self->len || self->buffer[self->pos] != c)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  self->pos++;
  return TRUE;
}

gboolean
fb_json_reader_expect_end (FbJsonReader  *self,
                           GCancellable  *cancellable,
                           GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  if (self->pos < self->len)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Where a value ends: the scan goes on over as many buffers as it takes,
 * one tight loop per buffer. */
typedef struct
{
  guint    depth;     /* open brackets */
  gboolean in_string;
  gboolean escaped;   /* after a backslash inside a string */
  gboolean scalar;    /* a number or literal: ends before a delimiter */
} Scan;

/* Advances over the buffer: TRUE in *@done when the value ended. */
static void
scan_buffer (FbJsonReader *self,
             Scan         *scan,
             gboolean     *done)
{
  const char *p = self->buffer + self->pos;
  const char *end = self->buffer + self->len;

  for (; p < end; p++)
    {
      char c = *p;

      if (c == '\n')
        self->line++;

      if (scan->scalar)
        {
          if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' ||
              c == '\n' || c == '\r')
            {
              /* The delimiter is not part of the value. */
              if (c == '\n')
                self->line--;
              *done = TRUE;
              break;
            }
          continue;
        }

      if (scan->in_string)
        {
          if (scan->escaped)
            scan->escaped = FALSE;
          else if (c == '\\')
            scan->escaped = TRUE;
          else if (c == '"')
            {
              scan->in_string = FALSE;
              if (scan->depth == 0)
                {
                  p++;
                  *done = TRUE;
                  break;
                }
            }
          continue;
        }

      if (c == '"')
        scan->in_string = TRUE;
      else if (c == '{' || c == '[')
        scan->depth++;
      else if ((c == '}' || c == ']') && --scan->depth == 0)
        {
          p++;
          *done = TRUE;
          break;
        }
    }

  self->pos = p - self->buffer;
}

gboolean
fb_json_reader_read_value (FbJsonReader  *self,
                           GString       *out,
                           GCancellable  *cancellable,
                           GError       **error)
{
  Scan scan = { 0, };
  gboolean done = FALSE;
  char first;

  if (!skip_space (self, cancellable, error))
    return FALSE;
  if (self->pos >= self->len)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  first = self->buffer[self->pos];
  if (first == ',' || first == ':' || first == ']' || first == '}')
    {
      set_unexpected (self, error);
      return FALSE;
    }
  scan.scalar = first != '{' && first != '[' && first != '"';

  while (!done)
    {
      gsize start;

      if (!fill (self, cancellable, error))
        return FALSE;
      if (self->pos >= self->len)
        {
          /* A number or literal may end the text; nothing else may. */
          if (scan.scalar)
            break;
          set_unexpected (self, error);
          return FALSE;
        }

      start = self->pos;
      scan_buffer (self, &scan, &done);
      g_string_append_len (out, self->buffer + start, self->pos - start);
    }

  return TRUE;
}
