/* fb-field-type.h: the types of a template's fields and their JSON values */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How a typed value is stored in a record's "fields" (JSON):
 *   text, long-text   a string
 *   integer           a JSON integer
 *   decimal           a JSON number
 *   date              "YYYY-MM-DD"
 *   time              "HH:MM" or "HH:MM:SS"
 *   date-time         "YYYY-MM-DDTHH:MM" (":SS" when not zero), local time,
 *                     or with the zone ("Z", "+01:00") it was given with
 *   yes-no            true or false
 *   choice            the chosen string
 *   multiple-choice   an array of the chosen strings (merged as a set)
 *   location          {"latitude": number, "longitude": number}
 *   link              the id of another record (a string)
 *   photo, file       an array of the names of the record's own attachments
 *                     (its "_attachments"), each once, merged as a set like
 *                     a multiple choice; a photo field's files are pictures
 *                     (its widget shows thumbnails, its chooser images)
 * A missing member, null and "" are empty. A value that does not fit its
 * type (typed in, imported) is kept as the string it was: nothing typed is
 * lost, and validation names the problem. */
typedef enum {
  FB_FIELD_TEXT,
  FB_FIELD_LONG_TEXT,
  FB_FIELD_INTEGER,
  FB_FIELD_DECIMAL,
  FB_FIELD_DATE,
  FB_FIELD_TIME,
  FB_FIELD_DATE_TIME,
  FB_FIELD_YES_NO,
  FB_FIELD_CHOICE,
  FB_FIELD_MULTIPLE_CHOICE,
  FB_FIELD_LOCATION,
  FB_FIELD_LINK,
  FB_FIELD_PHOTO,
  FB_FIELD_FILE,
  FB_N_FIELD_TYPES
} FbFieldType;

/* The name stored in a template ("integer"), and back; an unknown name is
 * text (*@known FALSE), so a newer program's template still opens. */
const char  *fb_field_type_to_string    (FbFieldType  type);
FbFieldType  fb_field_type_from_string  (const char  *name,
                                         gboolean    *known);
/* What a person calls it ("Whole Number"), translated. */
const char  *fb_field_type_get_label    (FbFieldType  type);

gboolean     fb_field_value_is_empty    (JsonNode    *value);
/* @value is a JSON string; a JSON number (integer or not). */
gboolean     fb_field_value_holds_string (JsonNode   *value);
gboolean     fb_field_value_holds_number (JsonNode   *value);

/* The stored value for what a person typed or a CSV cell holds: NULL for
 * empty text; otherwise the typed value, or (*@fits FALSE) the text itself
 * as a string. Multiple choices are ";"-separated, and so are a photo or
 * file field's names (written "; "); a location is "latitude, longitude";
 * yes/no takes yes/no/true/false/1/0. */
JsonNode    *fb_field_value_from_text   (FbFieldType  type,
                                         const char  *text,
                                         gboolean    *fits);
/* The text form of @value (the inverse of the above, ISO 8601 dates, "."
 * decimals); "" for empty. A value that does not fit is written as it is. */
char        *fb_field_value_to_text     (FbFieldType  type,
                                         JsonNode    *value);
/* Whether @value has the JSON form of @type (empty values fit). */
gboolean     fb_field_value_fits        (FbFieldType  type,
                                         JsonNode    *value);

/* Photo and file fields: their value names attachments. */
gboolean     fb_field_type_holds_files  (FbFieldType  type);
/* Whether the string array @value holds @s. */
gboolean     fb_field_value_has_string  (JsonNode    *value,
                                         const char  *s);

G_END_DECLS
