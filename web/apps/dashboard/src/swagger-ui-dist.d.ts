declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  /** Swagger UI's UMD bundle: renders the document at `url` into `domNode`. */
  const SwaggerUIBundle: (options: { url: string; domNode: HTMLElement; deepLinking?: boolean }) => unknown;
  export default SwaggerUIBundle;
}
