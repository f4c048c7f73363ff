import { describeInlineProgram } from "./programs/inline-program-suite";
import { pythonProgram } from "./programs/python-program";

/**
 * A Python program in plugin mode (programs/python/driver.py): an inline program of Pulumi's Python Automation API
 * on the generated SDK, sdk/python (no Python language host is needed or available here).
 */
describeInlineProgram({ name: "Python", projectName: "plugin-python", prepare: pythonProgram });
