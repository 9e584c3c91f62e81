// electron-vite turns `import p from './file?modulePath'` into the path of a separately built file.
declare module '*?modulePath' {
  const path: string;
  export default path;
}
