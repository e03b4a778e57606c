// express4 is Express 4.22 installed under another name; its API is what @types/express describes
// for what these tests use (express(), json/raw/text, app.post/app.use, trust proxy).
declare module 'express4' {
  import express from 'express';
  export default express;
}
