package base45_test

import (
	"fmt"

	"github.com/cityid/cityid/credential/compact/base45"
)

func Example() {
	s := base45.Encode([]byte("Hello!!"))
	fmt.Println(s)
	b, err := base45.Decode(s)
	fmt.Println(string(b), err)
	_, err = base45.Decode("GGW")
	fmt.Println(err)
	// Output:
	// %69 VD92EX0
	// Hello!! <nil>
	// base45: group value out of range at offset 0
}
