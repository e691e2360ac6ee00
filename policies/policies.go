// Package policies embeds the casbin model and base policy: the single
// statement of what each role may do.
package policies

import _ "embed"

//go:embed model.conf
var Model string

//go:embed policy.csv
var Policy string
