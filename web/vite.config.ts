// Builds the dashboard into the Python package's static files (served by `orbitwatch serve` at /).
// CesiumJS is not bundled: its prebuilt release (Build/Cesium: Cesium.js, Workers, Assets with the
// offline Natural Earth II imagery, Widgets, ThirdParty) is copied to static/cesium/ and loaded
// by a <script> tag, which keeps the build fast and the page's requests on its own host.
import { defineConfig } from "vite";
import { viteStaticCopy } from "vite-plugin-static-copy";

const CESIUM = "node_modules/cesium/Build/Cesium";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../src/orbitwatch/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  worker: { format: "es" },
  plugins: [
    viteStaticCopy({
      targets: ["Cesium.js", "Workers", "Assets", "Widgets", "ThirdParty"].map((d) => ({
        src: `${CESIUM}/${d}`,
        dest: "cesium",
      })),
    }),
  ],
});
