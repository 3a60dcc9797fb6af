// Command kstatus reads Kubernetes objects as JSON (one per line on stdin) and prints, one JSON line
// each, the status the real kstatus library (sigs.k8s.io/cli-utils/pkg/kstatus/status) computes for
// them: the reading Flux, `kubectl wait`-style tooling and cli-utils' apply do. Test-only: the
// MCPRegistry tests use it to prove our conditions mean what those tools think they mean.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type result struct {
	Status     string   `json:"status"`
	Message    string   `json:"message"`
	Conditions []string `json:"conditions"`
	Error      string   `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 16<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		if len(in.Bytes()) == 0 {
			continue
		}
		// The unstructured decoder keeps integers as int64, as the apiserver's clients do.
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(in.Bytes()); err != nil {
			fmt.Fprintln(os.Stderr, "kstatus: a line is not a Kubernetes object:", err)
			os.Exit(2)
		}
		res, err := status.Compute(obj)
		r := result{Conditions: []string{}}
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Status = res.Status.String()
			r.Message = res.Message
			for _, c := range res.Conditions {
				r.Conditions = append(r.Conditions, fmt.Sprintf("%s=%s", c.Type, c.Status))
			}
		}
		if err := out.Encode(r); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}
