// The type of the page script when the server embeds it as a file (its path inside the binary).
declare const path: string;
export default path;
