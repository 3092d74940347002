/** A mark or mask as ip and nft print it: 0x97. */
export const hex = (n: number): string => `0x${n.toString(16)}`;
