package lvcchong_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parkd/internal/dialect/lvcchong"
)

// TestUnknownRoutes: a path under /open/oem that is no call, or a call
// asked with another method than POST, is answered in the vendor's
// envelope and in Chinese, never the mux's plain text or a redirect.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	lvcchong.New(lvcchong.Config{}).Mount(mux.Handle)
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/open/oem/getToken", "请求方法错误：请用POST调用"},
		{"DELETE", "/open/oem/charge", "请求方法错误：请用POST调用"},
		{"POST", "/open/oem/nope", "接口不存在"},
		{"POST", "/open/oem/getToken/x", "接口不存在"},
		{"POST", "/open/oem/", "接口不存在"},
		{"POST", "/open/oem", "接口不存在"},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, strings.NewReader("x=1")))
		var out struct {
			Success *bool  `json:"success"`
			Code    string `json:"code"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK ||
			out.Success == nil || *out.Success || out.Code != "-1" || out.Error != c.want {
			t.Errorf("%s %s: HTTP %d %s, want 200 {success:false, code:-1, error:%q}", c.method, c.path, rec.Code, rec.Body, c.want)
		}
	}
}
