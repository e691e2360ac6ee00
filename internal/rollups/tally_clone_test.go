package rollups

import (
	"reflect"
	"strconv"
	"testing"
)

// fill sets every field reachable from v (ints, bools, strings, maps and
// structs of them) to a value other than its zero, different per field, so
// that a field Clone forgot, or a map it shares, shows.
func fill(t *testing.T, v reflect.Value, seed *int) {
	t.Helper()
	*seed++
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString("s" + strconv.Itoa(*seed))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), seed)
			}
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, k, seed)
			fill(t, e, seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		t.Fatalf("fill: a %s field: teach fill (and check Tally.Add) about it", v.Kind())
	}
}

func TestCloneCopiesEveryField(t *testing.T) {
	var orig Tally
	seed := 0
	fill(t, reflect.ValueOf(&orig).Elem(), &seed)
	c := orig.Clone()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Clone lost something (is a field missing from Tally.Add?):\n got %+v\nwant %+v", c, orig)
	}
	// Adding into the copy leaves the original as it was.
	before := orig.Clone()
	c.Add(&orig)
	if !reflect.DeepEqual(orig, before) {
		t.Fatalf("adding into a clone changed the original: it shares a map")
	}
}
