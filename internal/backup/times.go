package backup

import (
	"reflect"
	"time"
)

// toMillis truncates every time in the record v points to to the
// millisecond, in place. A store keeps times to the millisecond at least
// (MongoDB's dates hold no more; the audit hash reads no more), so a
// backup holds them so: the same registry then backs up to the same file
// from either store.
func toMillis(v any) {
	walkTimes(reflect.ValueOf(v))
}

var timeType = reflect.TypeFor[time.Time]()

func walkTimes(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkTimes(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(time.Time).Truncate(time.Millisecond)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkTimes(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkTimes(v.Index(i))
		}
	case reflect.Map:
		// No record holds a time in a map; map values are not settable.
	}
}
