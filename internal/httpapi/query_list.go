package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// queryList reads a filter that takes several values, given either
// comma-separated (status=active,left, as the description writes it) or
// repeated (status=active&status=left, as openapi-fetch and HTML forms send
// it): both mean the same. Reading only the first of repeated values would
// silently drop the rest. An empty value (status=, status=active,) is an
// empty item, which the caller refuses like any value it does not know.
func queryList(c *gin.Context, name string) []string {
	var out []string
	for _, v := range c.QueryArray(name) {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}
