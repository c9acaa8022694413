import { defineConfig } from "vite";

// Maven (exec-maven-plugin) passes CONSOLE_OUT = admin-api/target/classes/console, where the
// admin-api serves it from the class path at /console; a bare `npm run build` writes dist/.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: process.env.CONSOLE_OUT ?? "dist",
    emptyOutDir: true,
    // Everything is served by the admin-api: no CDN, no inline chunks loaded from elsewhere.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
