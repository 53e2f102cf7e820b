/** The repository root (this file lives in <root>/env): where tools/, sim/ and .cache/ are. */
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..");
