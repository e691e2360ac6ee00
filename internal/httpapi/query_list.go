package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// queryList reads a filter that takes several values, given either
// comma-separated (status=active,left, as the description writes it) or
// repeated (status=active&status=left, as openapi-fetch and HTML forms send
// it): both mean the same. Reading only the first of repeated values would
// silently drop the rest. An empty parameter (status=) is no filter.
func queryList(c *gin.Context, name string) []string {
	var out []string
	for _, v := range c.QueryArray(name) {
		if v == "" {
			continue
		}
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}
