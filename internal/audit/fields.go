package audit

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Fields is an object as the trail shows it: its fields by their API
// names. Each service says which fields of its objects are recorded
// (personal data included: managers need it to answer who changed what),
// never a password hash, token or key: secret names are dropped here
// whatever a service passes.
type Fields map[string]any

// secret reports whether a field name is one the trail never keeps.
func secret(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "password", "currentpassword", "token", "accesstoken", "refreshtoken", "secret", "key", "privatekey":
		return true
	}
	return strings.HasSuffix(n, "hash")
}

// Changed returns Before and After holding only the fields whose values
// differ (all of after for a create, where before is nil; all of before
// for a delete, where after is nil), and whether anything differs.
func Changed(before, after Fields) (b, a json.RawMessage, changed bool) {
	ob, oa := Fields{}, Fields{}
	enc := func(v any) []byte { j, _ := json.Marshal(v); return j }
	for k, v := range after {
		if secret(k) {
			continue
		}
		old, had := before[k]
		if before == nil || !had || !bytes.Equal(enc(old), enc(v)) {
			oa[k] = v
			if had {
				ob[k] = old
			}
		}
	}
	for k, v := range before {
		if secret(k) {
			continue
		}
		if _, has := after[k]; !has && after != nil {
			ob[k] = v
		}
		if after == nil {
			ob[k] = v
		}
	}
	if len(ob) > 0 {
		b = JSON(ob)
	}
	if len(oa) > 0 {
		a = JSON(oa)
	}
	return b, a, len(ob)+len(oa) > 0
}

// Matches reports whether every field of after (an entry's After) has
// the same value in stored (the object as now stored): how Recover tells
// a change that was written from one that was not.
func Matches(after json.RawMessage, stored Fields) bool {
	var want map[string]json.RawMessage
	if err := json.Unmarshal(after, &want); err != nil {
		return false
	}
	for k, v := range want {
		got, ok := stored[k]
		if !ok {
			return false
		}
		var a, b any
		_ = json.Unmarshal(v, &a)
		_ = json.Unmarshal(JSON(got), &b)
		if !bytes.Equal(JSON(a), JSON(b)) {
			return false
		}
	}
	return true
}
