package vzenith

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeText reads text a camera encoded: UTF-8 when it is valid UTF-8,
// else GBK (older firmware).
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}
