package top

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The vectors below were computed outside Go, with Python's hashlib and
// hmac over the string the gateway's rule gives (names sorted, empty
// values and sign left out):
//
//	app_key12345678extra{}formatjsonmethodalitrip...notifysign_method<m>
//	store_vehicle_model_info_list{"vehicle_model_code":"100001"}
//	timestamp2026-12-03 17:20:00v2.0
func TestSignVectors(t *testing.T) {
	params := func(method string) map[string]string {
		return map[string]string{"method": MethodStoreModel, "app_key": "12345678", "timestamp": "2026-12-03 17:20:00",
			"v": "2.0", "sign_method": method, "format": "json", "extra": "{}",
			"store_vehicle_model_info_list": `{"vehicle_model_code":"100001"}`, "empty": ""}
	}
	for _, tc := range []struct{ method, want string }{
		{SignMD5, "973F1C785499B9E0A32D1F98E65682C7"},
		{SignHMAC, "E123A1FF84CE935487A4D72972BE6DE0"},
		{SignHMACSHA256, "16C1C536FD5AE3D6E58D0022D82B86A17F2A57BD0A84B3FF86B8BE6FADA420EF"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			got, err := Sign(tc.method, "helloworld", params(tc.method))
			if err != nil || got != tc.want {
				t.Fatalf("Sign = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}

// TestSignNonASCII: names and values are signed as their UTF-8 bytes; an
// empty value and sign itself are left out (Python-computed, as above,
// over "b1name西湖店" with the secret 密钥).
func TestSignNonASCII(t *testing.T) {
	p := map[string]string{"name": "西湖店", "a": "", "b": "1", "sign": "XX"}
	for _, tc := range []struct{ method, want string }{
		{SignMD5, "D2BED582CDE2262AE117E6202BA363A7"},
		{SignHMAC, "4A2E976F80169B03238BD159452424F1"},
		{SignHMACSHA256, "532E810C14F77EC63F7A4D98ED45A1509D703929C87B4F58D9503F9330DE408A"},
	} {
		if got, err := Sign(tc.method, "密钥", p); err != nil || got != tc.want {
			t.Errorf("%s: Sign = %s, %v; want %s", tc.method, got, err, tc.want)
		}
	}
}

// TestSignIndependent checks Sign against the rule written out by hand for
// parameters whose sorted order differs from their insertion order.
func TestSignIndependent(t *testing.T) {
	p := map[string]string{"z": "last", "A": "upper first", "a_b": "x", "ab": "y", "empty": "", "n": "数字 1"}
	// Byte order: "A" < "a_b" < "ab" < "n" < "z" ('_' is 0x5F, 'b' 0x62).
	s := "Aupper firsta_bxabyn数字 1zlast"
	secret := "s3cr3t"
	md := md5.Sum([]byte(secret + s + secret))
	hm := hmac.New(md5.New, []byte(secret))
	hm.Write([]byte(s))
	hs := hmac.New(sha256.New, []byte(secret))
	hs.Write([]byte(s))
	want := map[string]string{
		SignMD5:        strings.ToUpper(fmt.Sprintf("%x", md)),
		SignHMAC:       strings.ToUpper(fmt.Sprintf("%x", hm.Sum(nil))),
		SignHMACSHA256: strings.ToUpper(fmt.Sprintf("%x", hs.Sum(nil))),
	}
	for m, w := range want {
		if got, _ := Sign(m, secret, p); got != w {
			t.Errorf("%s: %s, want %s", m, got, w)
		}
	}
	if _, err := Sign("sha1", secret, p); err == nil {
		t.Error("an unknown sign method signed")
	}
}

func TestTimestamp(t *testing.T) {
	at := time.Date(2026, 12, 3, 16, 30, 5, 0, time.UTC)
	if got := Timestamp(at); got != "2026-12-04 00:30:05" {
		t.Fatalf("Timestamp = %q, want Beijing time 2026-12-04 00:30:05", got)
	}
	back, err := ParseTimestamp("2026-12-04 00:30:05")
	if err != nil || !back.Equal(at) {
		t.Fatalf("ParseTimestamp = %v, %v; want %v", back, err, at)
	}
}
