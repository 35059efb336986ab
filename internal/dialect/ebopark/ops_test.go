package ebopark

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestEveryOperationIsDocumentedAndGolden: each operation the handler
// serves is in the table at the top of docs/ebopark.md, and has a golden
// request and reply, so a partner reading the docs sees exactly what is
// served; the table names nothing that is not served.
func TestEveryOperationIsDocumentedAndGolden(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "ebopark.md"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, row := range regexp.MustCompile("(?m)^\\| 3\\.[0-9.]+ [^|]*\\|([^|]*)\\|").FindAllSubmatch(doc, -1) {
		for _, m := range regexp.MustCompile("`([A-Za-z0-9]+)`").FindAllSubmatch(row[1], -1) {
			listed = append(listed, string(m[1]))
		}
	}
	ops := New(Config{}).ops
	for op := range ops {
		if !slices.Contains(listed, op) {
			t.Errorf("%s is served but not in docs/ebopark.md's table", op)
		}
		for _, f := range []string{op + ".request.json", op + ".response.json"} {
			if _, err := os.Stat(filepath.Join("testdata", f)); err != nil {
				t.Errorf("%s has no golden file: %v", op, err)
			}
		}
	}
	for _, op := range listed {
		if _, ok := ops[op]; !ok {
			t.Errorf("docs/ebopark.md lists %s, which is not served", op)
		}
	}
	if len(listed) != len(ops) {
		t.Errorf("docs list %d operations, %d are served", len(listed), len(ops))
	}
}
