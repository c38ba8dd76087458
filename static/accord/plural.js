// Counts in words, the one way every page writes them: "1 document",
// "2 documents", "1 annotator's set", "3 annotators' sets".

export const plural = (n, one, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
