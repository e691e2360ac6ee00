package httpapi

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"
)

// refuseNulls refuses null for a top-level field of the body v was decoded
// from, unless that field's type reads null itself (dateInput: null is "no
// date"). encoding/json would quietly take null as "left out", so
// {"phone": null} would keep the old phone while the client meant to clear
// it; the description types these fields as strings, so null is an error
// that names the field.
func refuseNulls(raw []byte, v any) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil // not an object: the decoder already judged it
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var f errs.Fields
	for name, value := range fields {
		if string(value) != "null" {
			continue
		}
		if ft, ok := jsonField(t, name); ok && !readsNull(ft) {
			f.Add(name, "must not be null: leave the field out to keep its value, or send one")
		}
	}
	return f.Err()
}

// jsonField finds the type of the field that encoding/json fills for key
// (tags first, then a case-insensitive name, as the decoder does).
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" || !sf.IsExported() {
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		if strings.EqualFold(tag, key) {
			return sf.Type, true
		}
	}
	return nil, false
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

func readsNull(t reflect.Type) bool {
	return t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler)
}
