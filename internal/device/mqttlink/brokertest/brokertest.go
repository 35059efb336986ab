// Package brokertest holds stand-in MQTT brokers for tests.
package brokertest

import (
	"io"
	"net"
	"testing"
)

// Refusing answers every CONNECT with a CONNACK of return code rc (4: bad
// user name or password, 5: not authorised), as a broker does to a client
// whose credentials it does not take. It returns the broker's address.
func Refusing(t testing.TB, rc byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// The CONNECT packet: its type byte, its remaining length
				// (a varint), then that many bytes.
				b := make([]byte, 1)
				if _, err := io.ReadFull(c, b); err != nil {
					return
				}
				n, shift := 0, 0
				for {
					if _, err := io.ReadFull(c, b); err != nil {
						return
					}
					n |= int(b[0]&0x7f) << shift
					shift += 7
					if b[0]&0x80 == 0 {
						break
					}
				}
				if _, err := io.ReadFull(c, make([]byte, n)); err != nil {
					return
				}
				_, _ = c.Write([]byte{0x20, 0x02, 0x00, rc})
			}()
		}
	}()
	return ln.Addr().String()
}
