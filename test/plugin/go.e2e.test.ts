import { goProgram } from "./programs/go-program";
import { describeInlineProgram } from "./programs/inline-program-suite";

/**
 * A Go program in plugin mode (programs/go/main.go): an inline program of Pulumi's Go Automation API on the
 * generated SDK, sdk/go (no Go language host is needed or available here).
 */
describeInlineProgram({ name: "Go", projectName: "plugin-go", prepare: goProgram });
