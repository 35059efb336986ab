// Package top speaks the Taobao Open Platform (TOP) for parkd: the gateway's
// common parameters and signature, and the Fliggy (飞猪) car-rental calls a
// supplier pushes to the channel and answers from it. It only translates;
// what changed and what may be rented is the rental subsystem's.
// See docs/rental.md.
package top

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"sort"
	"strings"
	"time"
)

// Name is the dialect's name: what a rental channel is created with.
const Name = "fliggy"

// Sign methods.
const (
	SignMD5        = "md5"
	SignHMAC       = "hmac" // HMAC-MD5
	SignHMACSHA256 = "hmac-sha256"
)

// SignMethods lists the sign methods, the default first.
func SignMethods() []string { return []string{SignHMACSHA256, SignHMAC, SignMD5} }

// Sign computes the TOP signature of params: every parameter but sign,
// sorted by name (byte order), concatenated as name1value1name2value2...
// with empty values left out; md5 is MD5(secret + s + secret), hmac is
// HMAC-MD5 keyed with the secret, hmac-sha256 HMAC-SHA256; upper-case hex.
func Sign(method, secret string, params map[string]string) (string, error) {
	names := make([]string, 0, len(params))
	for k, v := range params {
		if k != "sign" && v != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	var h hash.Hash
	switch method {
	case SignMD5:
		h = md5.New()
		h.Write([]byte(secret + b.String() + secret))
	case SignHMAC:
		h = hmac.New(md5.New, []byte(secret))
		h.Write([]byte(b.String()))
	case SignHMACSHA256:
		h = hmac.New(sha256.New, []byte(secret))
		h.Write([]byte(b.String()))
	default:
		return "", fmt.Errorf("top: unknown sign method %q", method)
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))), nil
}

// gmt8 is the gateway's clock: timestamps are Beijing time.
var gmt8 = time.FixedZone("GMT+8", 8*3600)

// TimeLayout is the gateway's timestamp format, in GMT+8.
const TimeLayout = "2006-01-02 15:04:05"

// Timestamp words t as the gateway does.
func Timestamp(t time.Time) string { return t.In(gmt8).Format(TimeLayout) }

// ParseTimestamp reads a gateway timestamp.
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.ParseInLocation(TimeLayout, s, gmt8)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
